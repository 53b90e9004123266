//! The demo partners' feeds (docs/protocol/partner-feed.md): the offers and tutorials of the
//! brief's scenarios, dated from when the server started. Served signed with the partner's key.

use steward_core::feed::time::format_utc;

const DAY: i64 = 86_400;

/// The demo feed of `partner` (by id), issued at `now`, or `None` for a partner without one.
pub fn demo_feed(partner: &str, now: i64) -> Option<serde_json::Value> {
    demo_feed_at(partner, None, now)
}

/// The demo tutorials' pictures, served at `/{partner}/img/{file}`.
pub fn demo_image(partner: &str, file: &str) -> Option<&'static [u8]> {
    match (partner, file) {
        ("lumaview", "remote-step1.png") => Some(include_bytes!("../assets/remote-step1.png")),
        ("lumaview", "remote-step2.png") => Some(include_bytes!("../assets/remote-step2.png")),
        ("lumaview", "remote-step3.png") => Some(include_bytes!("../assets/remote-step3.png")),
        _ => None,
    }
}

/// As [`demo_feed`]; with the partner's address `base`, tutorial steps carry pictures served
/// from it.
pub fn demo_feed_at(partner: &str, base: Option<&str>, now: i64) -> Option<serde_json::Value> {
    let step = |text: &str, picture: &str, state: &str| {
        let mut step = match base {
            Some(base) => {
                serde_json::json!({"text": text, "image": format!("{base}/img/{picture}")})
            }
            None => serde_json::json!({"text": text}),
        };
        if !state.is_empty() {
            step["state"] = state.into();
        }
        step
    };
    let items = match partner {
        "sudsy" => serde_json::json!({ "offers": [{
            "@type": "Offer", "id": "sudsy-soap-15", "name": "Sudsy dish soap refill, 15% off",
            "item": {"category": "dish soap"},
            "price": {"amount": "3.49", "currency": "EUR"}, "discountPercent": 15,
            "validFrom": format_utc(now - DAY), "validThrough": format_utc(now + 14 * DAY),
            "stores": [{"name": "Main Street Market", "latitude": 52.5208, "longitude": 13.4094}],
            "targeting": [{"rule": "consumableBelow", "item": {"category": "dish soap"}, "level": 10}],
            "collapseKey": "sudsy-soap", "priority": 6
        }]}),
        "crumb" => serde_json::json!({ "offers": [{
            "@type": "Offer", "id": "crumb-loaf", "name": "Crumb & Co. sandwich loaf",
            "item": {"category": "bread"},
            "price": {"amount": "2.29", "currency": "EUR"},
            "validFrom": format_utc(now - DAY), "validThrough": format_utc(now + 7 * DAY),
            "stores": [{"name": "Main Street Market", "latitude": 52.5208, "longitude": 13.4094}],
            "targeting": [{"rule": "consumableBelow", "item": {"category": "bread"}, "level": 3}],
            "collapseKey": "crumb-bread", "priority": 5
        }]}),
        "goldcrust" => serde_json::json!({ "offers": [{
            "@type": "Offer", "id": "goldcrust-coupon", "name": "Goldcrust sourdough, 30% off today",
            "item": {"category": "bread"},
            "price": {"amount": "2.79", "currency": "EUR"}, "discountPercent": 30,
            "validFrom": format_utc(now - DAY), "validThrough": format_utc(now + 2 * DAY),
            "stores": [{"name": "Main Street Market", "latitude": 52.5208, "longitude": 13.4094}],
            "targeting": [
                {"rule": "consumableBelow", "item": {"category": "bread"}, "level": 3},
                {"rule": "insideGeofence", "latitude": 52.5208, "longitude": 13.4094, "radiusMeters": 800}
            ],
            "collapseKey": "goldcrust-bread", "priority": 4
        }]}),
        "lumaview" => serde_json::json!({ "offers": [{
            "@type": "Offer", "id": "lumaview-lens-cleaner", "name": "Lens cleaning disc for your BD-7, 20% off",
            "item": {"category": "lens cleaner"},
            "price": {"amount": "7.99", "currency": "EUR"}, "discountPercent": 20,
            "validFrom": format_utc(now - DAY), "validThrough": format_utc(now + 30 * DAY),
            "stores": [{"name": "Main Street Market", "latitude": 52.5208, "longitude": 13.4094}],
            "targeting": [{"rule": "ownsModel", "model": "bluray_player"}],
            "collapseKey": "lumaview-cleaner", "priority": 2
        }], "tutorials": [{
            "@type": "HowTo", "id": "lumaview-disc-menu", "name": "Getting to the disc menu",
            "steps": [
                step("If the player is off, press Power and wait for the Lumaview logo.", "remote-step1.png", "off"),
                step("Press Menu once and wait for the disc's own menu to appear.", "remote-step1.png", "stopped"),
                step("Move with the arrows; the chosen item is outlined.", "remote-step2.png", "menu"),
                step("Press OK to choose it. Back returns to the previous menu.", "remote-step3.png", "")
            ],
            "models": ["bluray_player"],
            "states": ["off", "stopped", "menu", "paused"],
            "targeting": [{"rule": "devicePattern", "model": "bluray_player", "event": "button", "count": 5, "withinSeconds": 20}],
            "expiresAt": format_utc(now + 90 * DAY), "collapseKey": "lumaview-menu", "priority": 7
        }]}),
        "cornerway" => serde_json::json!({ "offers": [{
            "@type": "Offer", "id": "cornerway-soap", "name": "Cornerway own-brand dish soap",
            "item": {"category": "dish soap"},
            "price": {"amount": "2.99", "currency": "EUR"},
            "validFrom": format_utc(now - DAY), "validThrough": format_utc(now + 7 * DAY),
            "stores": [{"name": "Cornerway Alexanderplatz", "latitude": 52.5219, "longitude": 13.4132}],
            "targeting": [{"rule": "insideGeofence", "latitude": 52.5219, "longitude": 13.4132, "radiusMeters": 800}],
            "collapseKey": "cornerway-soap", "priority": 3
        }]}),
        _ => return None,
    };
    let mut feed = serde_json::json!({
        "version": 1,
        "partner": partner,
        "sequence": 1,
        "issuedAt": format_utc(now),
        "expiresAt": format_utc(now + 7 * DAY),
    });
    if let (Some(feed), Some(items)) = (feed.as_object_mut(), items.as_object()) {
        for (key, value) in items {
            feed.insert(key.clone(), value.clone());
        }
    }
    Some(feed)
}

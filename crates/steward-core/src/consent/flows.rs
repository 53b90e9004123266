//! The requests Steward's flows make of partners, as payloads for the gate: what each carries,
//! tagged with its category, and which partner speaks for what. No bytes and no network here.

use super::payload::RequestKind;
use super::{Category, Field, PartnerCard, Payload, Purpose};
use crate::store::consumables::ConsumableRow;

/// What the forecast says about a consumable, for the reorder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastFacts {
    /// Whole days until empty, when that can be said.
    pub days_left: Option<u32>,
    /// The day it is expected to run out (the owner's calendar), when that can be said.
    pub empty_date: Option<String>,
}

/// The subject a consumable's data is about, for grants narrowed to one consumable.
pub fn consumable_subject(id: i64) -> String {
    format!("consumable:{id}")
}

/// A reorder the owner starts: the product (what to deliver, the order itself) and, under a
/// consumable-levels grant, how much is left and when it runs out. The level is required: a
/// reorder is not sent without it, so without the grant nothing about the household leaves.
pub fn reorder(consumable: &ConsumableRow, forecast: &ForecastFacts) -> Payload {
    let mut summary = format!(
        "{}: {} of {} {} left",
        consumable.name,
        consumable.remaining,
        consumable.capacity,
        plural(&consumable.unit, consumable.capacity)
    );
    if let Some(days) = forecast.days_left {
        summary.push_str(&format!(
            ", empty in about {days} {}",
            if days == 1 { "day" } else { "days" }
        ));
    }
    Payload {
        kind: RequestKind::Order,
        purpose: Some(Purpose::ReorderDelivery),
        fields: vec![
            Field::plain(
                "product",
                serde_json::json!({
                    "name": consumable.name,
                    "brand": consumable.brand,
                    "gtin": consumable.gtin,
                    "unit": consumable.unit,
                    "packSize": consumable.capacity,
                }),
            ),
            Field::data(
                "level",
                Category::ConsumableLevels,
                Some(consumable_subject(consumable.id)),
                serde_json::json!({
                    "remaining": consumable.remaining,
                    "capacity": consumable.capacity,
                    "daysLeft": forecast.days_left,
                    "emptyOn": forecast.empty_date,
                }),
                summary,
            ),
        ],
    }
}

/// What a device says about itself, for its maker's support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticsFacts {
    pub device_id: String,
    /// What kind of device it is (`soap_dispenser`) and what the owner calls it.
    pub kind: String,
    pub name: String,
    pub firmware: Option<String>,
    pub battery_percent: Option<u8>,
    /// Recent problems Steward recorded for it, newest first: (what, detail, when).
    pub recent_errors: Vec<(String, String, i64)>,
}

/// The subject a device's data is about.
pub fn device_subject(id: &str) -> String {
    format!("device:{id}")
}

/// Diagnostics for the maker's support, all of it device diagnostics (and required: without the
/// grant nothing is sent).
pub fn diagnostics(facts: &DiagnosticsFacts) -> Payload {
    let mut summary = format!("{}: {}", facts.name, facts.kind.replace('_', " "));
    if let Some(firmware) = &facts.firmware {
        summary.push_str(&format!(", firmware {firmware}"));
    }
    if let Some(battery) = facts.battery_percent {
        summary.push_str(&format!(", battery {battery}%"));
    }
    summary.push_str(&match facts.recent_errors.len() {
        0 => ", no recent errors".to_owned(),
        1 => ", 1 recent error".to_owned(),
        n => format!(", {n} recent errors"),
    });
    Payload {
        kind: RequestKind::Support,
        purpose: Some(Purpose::TutorialsSupport),
        fields: vec![Field::data(
            "diagnostics",
            Category::DeviceDiagnostics,
            Some(device_subject(&facts.device_id)),
            serde_json::json!({
                "kind": facts.kind,
                "name": facts.name,
                "firmware": facts.firmware,
                "batteryPercent": facts.battery_percent,
                "recentErrors": facts.recent_errors.iter().map(|(what, detail, at)| serde_json::json!({
                    "what": what, "detail": detail, "at": at,
                })).collect::<Vec<_>>(),
            }),
            summary,
        )],
    }
}

/// A message to a maker's support (partner-api.md, section 3.5): the owner's words, the guide
/// or offer it is about and the conversation it continues (none of them household data), and,
/// only when the owner chose to include them, the device's diagnostics, which then need a
/// device-diagnostics grant like any diagnostics.
pub fn support_message(
    message: &str,
    topic: Option<&str>,
    conversation: Option<&str>,
    diagnostics: Option<&DiagnosticsFacts>,
) -> Payload {
    let mut fields = vec![Field::plain("message", serde_json::json!(message))];
    if let Some(topic) = topic {
        fields.push(Field::plain("topic", serde_json::json!(topic)));
    }
    if let Some(conversation) = conversation {
        fields.push(Field::plain(
            "conversation",
            serde_json::json!(conversation),
        ));
    }
    if let Some(facts) = diagnostics {
        fields.extend(self::diagnostics(facts).fields);
    }
    Payload {
        kind: RequestKind::Support,
        purpose: Some(Purpose::TutorialsSupport),
        fields,
    }
}

/// The phone settled in a store's geofence: under a coarse-location grant the partner learns
/// which store, under a precise-location grant the position itself (personalised offers). Both
/// optional: with neither granted the gate sends nothing about them, and the caller sends
/// nothing at all.
pub fn store_visit(store_name: &str, lat: f64, lon: f64, accuracy_m: f64) -> Payload {
    Payload {
        kind: RequestKind::Share,
        purpose: Some(Purpose::PersonalisedOffers),
        fields: vec![
            Field::data(
                "store",
                Category::CoarseLocation,
                None,
                serde_json::json!({ "name": store_name }),
                format!("You are at {store_name}"),
            )
            .optional(),
            Field::data(
                "position",
                Category::PreciseLocation,
                None,
                serde_json::json!({
                    // About a metre: more would only describe the phone's noise.
                    "latitude": (lat * 1e5).round() / 1e5,
                    "longitude": (lon * 1e5).round() / 1e5,
                    "accuracyMeters": accuracy_m.round(),
                }),
                format!("Your position: {lat:.5}, {lon:.5}"),
            )
            .optional(),
        ],
    }
}

/// The partner that speaks for a consumable's brand, by the brands on the cards (letter case
/// and surrounding spaces aside).
pub fn partner_for_brand<'a>(cards: &'a [PartnerCard], brand: &str) -> Option<&'a PartnerCard> {
    let brand = brand.trim();
    cards.iter().find(|card| {
        card.brands
            .iter()
            .any(|b| b.trim().eq_ignore_ascii_case(brand))
    })
}

fn plural(unit: &str, n: u32) -> String {
    crate::inventory::unit_for(unit, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_are_one_required_device_diagnostics_field_about_that_device() {
        let payload = diagnostics(&DiagnosticsFacts {
            device_id: "d05e00000003".into(),
            kind: "bluray_player".into(),
            name: "Blu-ray player".into(),
            firmware: Some("1.4.2".into()),
            battery_percent: None,
            recent_errors: vec![("gap".into(), "3 events missing".into(), 5)],
        });
        assert_eq!(payload.purpose, Some(Purpose::TutorialsSupport));
        let field = &payload.fields[0];
        assert_eq!(field.category, Some(Category::DeviceDiagnostics));
        assert!(field.required);
        assert_eq!(field.subject.as_deref(), Some("device:d05e00000003"));
        assert_eq!(
            field.summary,
            "Blu-ray player: bluray player, firmware 1.4.2, 1 recent error"
        );
    }

    #[test]
    fn a_reorder_carries_the_product_plainly_and_the_level_as_a_required_consumable_level() {
        let soap = ConsumableRow {
            id: 3,
            name: "Dish soap".into(),
            brand: Some("Sudsy".into()),
            gtin: None,
            unit: "packet".into(),
            capacity: 40,
            remaining: 8,
            threshold: 8,
            device_id: None,
            created_at: 0,
            updated_at: 0,
        };
        let payload = reorder(
            &soap,
            &ForecastFacts {
                days_left: Some(4),
                empty_date: Some("2026-12-05".into()),
            },
        );
        assert_eq!(payload.purpose, Some(Purpose::ReorderDelivery));
        let level = &payload.fields[1];
        assert_eq!(level.category, Some(Category::ConsumableLevels));
        assert!(level.required);
        assert_eq!(level.subject.as_deref(), Some("consumable:3"));
        assert_eq!(
            level.summary,
            "Dish soap: 8 of 40 packets left, empty in about 4 days"
        );
        assert_eq!(payload.fields[0].category, None);
    }
}

//! The privacy center through the API, against the reference partner server on loopback: the
//! soap reorder with and without consent, the prompt, the ledger, receipts, withdrawal and
//! removal, as the app will call them.

mod common;

use std::net::{Ipv4Addr, SocketAddr};

use steward_api::inventory_wire::ConsumableInputView;
use steward_api::privacy_wire::LedgerFilterInput;
use steward_api::{ErrorCode, Steward};
use steward_partner_server::{brief_partners, PartnerServer};

#[tokio::test]
async fn grant_reorder_see_it_in_the_ledger_withdraw_and_nothing_reaches_the_maker() {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let app = Steward::open(dir.path(), common::Collect::default(), common::keys());
    let urls: Vec<String> = ["sudsy", "crumb", "goldcrust", "lumaview", "cornerway"]
        .iter()
        .map(|id| server.base_url(id))
        .collect();
    app.add_partners(&urls).await;
    app.add_partners(&urls).await; // again, as every demo start does: nothing changes
    let privacy = app.privacy().expect("privacy");
    assert_eq!(privacy.partners.len(), 5);
    let sudsy = privacy
        .partners
        .iter()
        .find(|p| p.id == "sudsy")
        .expect("sudsy");
    assert!(
        sudsy.cells.iter().all(|c| !c.allowed),
        "nothing is allowed by default"
    );
    assert_ne!(
        sudsy.household_id,
        privacy
            .partners
            .iter()
            .find(|p| p.id == "crumb")
            .expect("crumb")
            .household_id,
        "a different id at each partner"
    );

    let soap = app
        .add_consumable(ConsumableInputView {
            name: "Dish soap".into(),
            brand: Some("sudsy".into()),
            gtin: None,
            unit: "packet".into(),
            capacity: 40,
            remaining: 8,
            threshold: Some(8),
        })
        .expect("soap");
    let id = soap.summary.id;

    let prompt = app.reorder_prompt(id).expect("prompt");
    assert!(!prompt.already_allowed);
    assert_eq!(prompt.partner_name, "Sudsy");
    assert_eq!(
        prompt.lines,
        vec!["Dish soap: 8 of 40 packets left".to_owned()]
    );
    assert_eq!(prompt.lasts_days, 396);

    let refused = app
        .reorder(id, false)
        .await
        .expect_err("not now: nothing is sent");
    assert_eq!(refused.code, ErrorCode::NotShared, "{refused:?}");
    assert!(server.recorded().is_empty(), "nothing reached the partner");

    let sent = app.reorder(id, true).await.expect("allowed and sent");
    assert_eq!(sent.outcome, "delivered", "{sent:?}");
    assert_eq!(
        sent.message.as_deref(),
        Some("Sudsy will deliver your order in 2 days.")
    );
    let received = server.recorded();
    assert_eq!(received.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&received[0].body).expect("json");
    assert_eq!(body["data"]["level"]["remaining"], 8);

    let entries = app.ledger(LedgerFilterInput::default()).expect("ledger");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].partner_name, "Sudsy");
    assert_eq!(entries[0].summary, "Dish soap: 8 of 40 packets left");
    assert_eq!(entries[0].categories, vec!["consumable-levels"]);
    assert_eq!(entries[0].outcome, "delivered");
    let payload = app.ledger_payload(entries[0].id).expect("payload");
    assert_eq!(
        payload.body.as_bytes(),
        received[0].body.as_slice(),
        "the exact bytes"
    );
    let only_crumb = app
        .ledger(LedgerFilterInput {
            partner_id: Some("crumb".into()),
            ..Default::default()
        })
        .expect("filtered");
    assert!(only_crumb.is_empty());

    let cell = app
        .privacy()
        .expect("privacy")
        .partners
        .into_iter()
        .find(|p| p.id == "sudsy")
        .expect("sudsy")
        .cells
        .into_iter()
        .find(|c| c.category == "consumable-levels" && c.purpose == "reorder-delivery")
        .expect("cell");
    assert!(
        cell.allowed && cell.narrowed,
        "the prompt allowed this soap only: {cell:?}"
    );

    app.set_grant("sudsy", "consumable-levels", "reorder-delivery", false)
        .expect("withdrawn");
    let refused = app
        .reorder(id, false)
        .await
        .expect_err("withdrawn: refused");
    assert_eq!(refused.code, ErrorCode::NotShared);
    assert_eq!(
        server.recorded().len(),
        1,
        "nothing more reached the partner"
    );
    let events: Vec<String> = app
        .receipts(Some("sudsy".into()))
        .expect("receipts")
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(events, vec!["withdrawn", "given"]);

    let undeclared = app
        .set_grant("sudsy", "precise-location", "personalised-offers", true)
        .expect_err("not declared");
    assert_eq!(undeclared.code, ErrorCode::InvalidInput);

    let household = app
        .privacy()
        .expect("privacy")
        .partners
        .into_iter()
        .find(|p| p.id == "sudsy")
        .expect("sudsy")
        .household_id;
    let after = app.remove_partner("sudsy").await.expect("removed");
    assert_eq!(after.partners.len(), 4);
    assert_eq!(server.erased("sudsy"), vec![household]);
    let entries = app.ledger(LedgerFilterInput::default()).expect("ledger");
    assert_eq!(
        (entries[0].kind.as_str(), entries[0].outcome.as_str()),
        ("erasure", "delivered")
    );
}

#[tokio::test]
async fn a_bad_or_unreachable_partner_address_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let app = Steward::open(dir.path(), common::Collect::default(), common::keys());
    let refused = app
        .add_partner("http://example.com")
        .await
        .expect_err("plain http elsewhere");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
    let refused = app
        .add_partner("http://127.0.0.1:9")
        .await
        .expect_err("nothing listens");
    assert!(
        refused.message.contains("could not be reached"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_reorder_that_did_not_arrive_says_so_and_can_be_tried_again() {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let app = Steward::open(dir.path(), common::Collect::default(), common::keys());
    app.add_partner(&server.base_url("sudsy"))
        .await
        .expect("sudsy");
    let soap = app
        .add_consumable(ConsumableInputView {
            name: "Dish soap".into(),
            brand: Some("Sudsy".into()),
            gtin: None,
            unit: "packet".into(),
            capacity: 40,
            remaining: 8,
            threshold: Some(8),
        })
        .expect("soap");
    server.set_behaviour("sudsy", steward_partner_server::Behaviour::Status(503));
    let failed = app
        .reorder(soap.summary.id, true)
        .await
        .expect("prepared and tried");
    assert_eq!(failed.outcome, "failed");
    assert!(
        failed.message.as_deref().is_some_and(|m| m.contains("503")),
        "{failed:?}"
    );
    server.set_behaviour("sudsy", steward_partner_server::Behaviour::Normal);
    let again = app.retry_sharing(failed.ledger_id).await.expect("retried");
    assert_eq!(again.outcome, "delivered", "{again:?}");
    let entry = &app.ledger(LedgerFilterInput::default()).expect("ledger")[0];
    assert_eq!((entry.outcome.as_str(), entry.attempts), ("delivered", 2));
    let refused = app
        .retry_sharing(failed.ledger_id)
        .await
        .expect_err("delivered already");
    assert_eq!(refused.code, ErrorCode::InvalidInput);
}

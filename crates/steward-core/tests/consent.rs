//! The consent gate against a real SQLite store: what a disclosure may carry, what the ledger
//! and the receipts say, and that nothing is recorded or sendable without a live grant.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use steward_core::consent::gate::{self, Disclosure};
use steward_core::consent::payload::RequestKind;
use steward_core::consent::signature;
use steward_core::consent::{
    jws, Category, Field, GrantScope, PartnerCard, PartnerId, Payload, Purpose,
};
use steward_core::store::grants::{self, Decision};
use steward_core::store::ledger::{self, Filter};
use steward_core::store::{household, partners, receipts};
use steward_core::{Error, Store};

const DAY: i64 = 86_400;
const T0: i64 = 1_790_000_000;

fn card(id: &str, asks: &[(Category, Purpose)]) -> PartnerCard {
    let key = SigningKey::from_bytes(&[id.len() as u8 + 1; 32]);
    let json = serde_json::json!({
        "id": id,
        "name": format!("{id} maker"),
        "brands": [id],
        "baseUrl": format!("http://127.0.0.1:9/{id}"),
        "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "policyUrl": format!("https://{id}.example/privacy"),
        "policyVersion": "v1",
        "asks": asks.iter().map(|(c, p)| serde_json::json!({"category": c.as_str(), "purpose": p.as_str()})).collect::<Vec<_>>(),
    });
    PartnerCard::verify_new(&jws::sign(&key, json.to_string().as_bytes())).expect("card")
}

fn decision(partner: &str, category: Category, purpose: Purpose, scope: GrantScope) -> Decision {
    Decision {
        partner: PartnerId::parse(partner).expect("id"),
        category,
        purpose,
        scope,
        collection_method: "privacy center",
    }
}

fn soap_level() -> Field {
    Field::data(
        "level",
        Category::ConsumableLevels,
        Some("consumable:1".into()),
        serde_json::json!({"product": "Dish soap", "remaining": 8, "capacity": 40}),
        "Dish soap: 8 of 40 packets left",
    )
}

fn reorder(fields: Vec<Field>) -> Payload {
    Payload {
        kind: RequestKind::Order,
        purpose: Some(Purpose::ReorderDelivery),
        fields,
    }
}

fn sudsy_store() -> (Store, PartnerId) {
    let mut store = Store::open_in_memory().expect("store");
    let sudsy = card(
        "sudsy",
        &[
            (Category::ConsumableLevels, Purpose::ReorderDelivery),
            (Category::UsagePatterns, Purpose::ReorderDelivery),
        ],
    );
    partners::add(&mut store, &sudsy, T0).expect("add");
    (store, sudsy.id)
}

fn body_of(disclosure: &Disclosure) -> serde_json::Value {
    serde_json::from_slice(disclosure.body()).expect("JSON body")
}

#[test]
fn a_granted_reorder_carries_the_level_its_receipt_and_a_ledger_entry_of_the_exact_bytes() {
    let (mut store, sudsy) = sudsy_store();
    let grant = grants::give(
        &mut store,
        &decision(
            "sudsy",
            Category::ConsumableLevels,
            Purpose::ReorderDelivery,
            GrantScope::All,
        ),
        396 * DAY,
        T0,
    )
    .expect("grant");

    let sent = gate::prepare(
        &mut store,
        &sudsy,
        &reorder(vec![
            Field::plain("gtin", serde_json::json!("4006381333931")),
            soap_level(),
        ]),
        T0 + 10,
    )
    .expect("granted");
    let body = body_of(&sent);
    assert_eq!(body["data"]["level"]["remaining"], 8);
    assert_eq!(body["data"]["gtin"], "4006381333931");
    assert_eq!(
        body["receipts"][0]["consentReceiptID"],
        grant.receipt_id.as_str()
    );
    assert_eq!(sent.url(), "http://127.0.0.1:9/sudsy/v1/orders");

    let entry = ledger::get(&store, sent.ledger_id())
        .expect("read")
        .expect("written");
    assert_eq!(entry.body, sent.body(), "the ledger holds the exact bytes");
    assert_eq!(entry.sha256, sha2_of(sent.body()));
    assert_eq!(entry.categories, vec!["consumable-levels"]);
    assert_eq!(entry.summary, "Dish soap: 8 of 40 packets left");
    assert_eq!(entry.receipt_ids, vec![grant.receipt_id.clone()]);
    assert_eq!(entry.outcome, ledger::Outcome::Sending);

    let verified = signature::verify(
        "POST",
        sent.url(),
        signature::CONTENT_TYPE,
        sent.body(),
        sent.headers(),
    )
    .expect("signed by the household's key at sudsy");
    let partner = partners::get(&store, &sudsy).expect("read").expect("there");
    assert_eq!(verified.key_id, partner.household_id);
    assert_eq!(body["household"], partner.household_id.as_str());
}

fn sha2_of(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[test]
fn without_a_grant_or_after_withdrawal_or_expiry_nothing_is_recorded_or_sendable() {
    let (mut store, sudsy) = sudsy_store();
    let refused = gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0)
        .expect_err("deny by default");
    assert!(matches!(refused, Error::NotShared { .. }), "{refused}");
    assert!(refused.to_string().contains("not allowed"), "{refused}");

    let d = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    grants::give(&mut store, &d, 30 * DAY, T0).expect("grant");
    gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0 + 1).expect("granted");
    assert!(grants::withdraw(&mut store, &d, T0 + 2).expect("withdraw"));
    assert!(gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0 + 3).is_err());

    grants::give(&mut store, &d, 30 * DAY, T0 + 4).expect("again");
    assert!(
        gate::prepare(
            &mut store,
            &sudsy,
            &reorder(vec![soap_level()]),
            T0 + 4 + 30 * DAY
        )
        .is_err(),
        "an expired grant allows nothing"
    );
    assert_eq!(
        ledger::list(&store, &Filter::default())
            .expect("ledger")
            .len(),
        1,
        "only the one granted request was recorded"
    );
    let events: Vec<String> = receipts::list(&store, Some("sudsy"))
        .expect("receipts")
        .into_iter()
        .map(|r| r.event)
        .collect();
    assert_eq!(events, vec!["given", "withdrawn", "given"]);
}

#[test]
fn optional_fields_without_a_grant_are_left_out_and_narrow_grants_cover_one_subject() {
    let (mut store, sudsy) = sudsy_store();
    grants::give(
        &mut store,
        &decision(
            "sudsy",
            Category::ConsumableLevels,
            Purpose::ReorderDelivery,
            GrantScope::Subject("consumable:1".into()),
        ),
        DAY,
        T0,
    )
    .expect("soap only");
    let bread = Field::data(
        "bread",
        Category::ConsumableLevels,
        Some("consumable:2".into()),
        serde_json::json!({"remaining": 1}),
        "Bread: 1 of 10 slices left",
    );
    let usage = Field::data(
        "usage",
        Category::UsagePatterns,
        Some("consumable:1".into()),
        serde_json::json!({"perDay": 3}),
        "Dish soap: about 3 packets a day",
    );
    let sent = gate::prepare(
        &mut store,
        &sudsy,
        &reorder(vec![
            soap_level(),
            bread.clone().optional(),
            usage.optional(),
        ]),
        T0,
    )
    .expect("soap goes");
    let body = body_of(&sent);
    assert!(body["data"].get("level").is_some());
    assert!(
        body["data"].get("bread").is_none(),
        "bread is not covered by a soap-only grant"
    );
    assert!(
        body["data"].get("usage").is_none(),
        "usage patterns were not granted"
    );
    assert!(!String::from_utf8_lossy(sent.body()).contains("perDay"));

    let refused = gate::prepare(&mut store, &sudsy, &reorder(vec![bread]), T0)
        .expect_err("a required field outside the grant's subject");
    assert!(matches!(refused, Error::NotShared { .. }));
}

#[test]
fn a_partner_cannot_be_granted_or_sent_what_its_card_did_not_declare() {
    let (mut store, sudsy) = sudsy_store();
    let undeclared = grants::give(
        &mut store,
        &decision(
            "sudsy",
            Category::PreciseLocation,
            Purpose::PersonalisedOffers,
            GrantScope::All,
        ),
        DAY,
        T0,
    )
    .expect_err("sudsy never asked for a position");
    assert!(
        undeclared.to_string().contains("did not ask"),
        "{undeclared}"
    );
    let position = Payload {
        kind: RequestKind::Share,
        purpose: Some(Purpose::PersonalisedOffers),
        fields: vec![Field::data(
            "position",
            Category::PreciseLocation,
            None,
            serde_json::json!({"lat": 52.5, "lon": 13.4}),
            "Your position",
        )],
    };
    let refused = gate::prepare(&mut store, &sudsy, &position, T0).expect_err("undeclared");
    assert!(refused.to_string().contains("never said"), "{refused}");
}

#[test]
fn removing_a_partner_withdraws_everything_records_an_erasure_request_and_forgets_the_key() {
    let (mut store, sudsy) = sudsy_store();
    let d = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    grants::give(&mut store, &d, DAY, T0).expect("grant");
    let household = partners::get(&store, &sudsy)
        .expect("read")
        .expect("there")
        .household_id;

    let erasure = gate::remove_partner(&mut store, &sudsy, T0 + 5).expect("removed");
    let body = body_of(&erasure);
    assert_eq!(body["kind"], "erasure");
    assert_eq!(body["household"], household.as_str());
    assert_eq!(erasure.url(), "http://127.0.0.1:9/sudsy/v1/erasure");
    assert!(partners::get(&store, &sudsy).expect("read").is_none());
    assert!(grants::list(&store, &sudsy).expect("grants").is_empty());
    let kept = receipts::list(&store, Some("sudsy")).expect("receipts");
    assert_eq!(kept[0].event, "withdrawn", "the withdrawal has its receipt");
    let entries = ledger::list(&store, &Filter::default()).expect("ledger");
    assert_eq!(entries[0].kind, "erasure");
    assert!(
        entries[0].categories.is_empty(),
        "an erasure request carries no household data"
    );
    assert!(gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0 + 6).is_err());
}

#[test]
fn erase_clears_partners_grants_receipts_and_the_ledger() {
    let (mut store, sudsy) = sudsy_store();
    let d = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    grants::give(&mut store, &d, DAY, T0).expect("grant");
    gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0).expect("sent");
    household::erase(&mut store).expect("erase");
    assert!(partners::list(&store).expect("partners").is_empty());
    assert!(receipts::list(&store, None).expect("receipts").is_empty());
    assert!(ledger::list(&store, &Filter::default())
        .expect("ledger")
        .is_empty());
}

/// One step of what an owner and the flows might do.
#[derive(Debug, Clone)]
enum Step {
    Give {
        category: usize,
        purpose: usize,
        subject: Option<u8>,
        days: i64,
    },
    Withdraw {
        category: usize,
        purpose: usize,
        subject: Option<u8>,
    },
    Wait {
        days: i64,
    },
    Request {
        purpose: usize,
        fields: Vec<(usize, Option<u8>, bool)>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let subject = proptest::option::of(0u8..3);
    prop_oneof![
        (0..7usize, 0..4usize, subject.clone(), 1..60i64).prop_map(
            |(category, purpose, subject, days)| Step::Give {
                category,
                purpose,
                subject,
                days
            }
        ),
        (0..7usize, 0..4usize, subject.clone()).prop_map(|(category, purpose, subject)| {
            Step::Withdraw {
                category,
                purpose,
                subject,
            }
        }),
        (1..40i64).prop_map(|days| Step::Wait { days }),
        (
            0..4usize,
            proptest::collection::vec((0..7usize, subject, any::<bool>()), 1..5)
        )
            .prop_map(|(purpose, fields)| Step::Request { purpose, fields }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Against a model of the grants kept beside it: no request ever carries a field whose
    /// category, purpose and subject lack a live grant; a request is refused exactly when a
    /// required field lacks one; and the ledger holds exactly the requests that were let through,
    /// byte for byte.
    #[test]
    fn no_value_leaves_without_a_live_grant(steps in proptest::collection::vec(step(), 1..40)) {
        let mut store = Store::open_in_memory().expect("store");
        let all: Vec<(Category, Purpose)> = Category::ALL.iter().flat_map(|c| Purpose::ALL.iter().map(move |p| (*c, *p))).collect();
        let partner = card("sudsy", &all);
        partners::add(&mut store, &partner, T0).expect("add");
        let id = partner.id.clone();
        // (category, purpose, scope) -> expires_at
        let mut model: BTreeMap<(Category, Purpose, Option<u8>), i64> = BTreeMap::new();
        let mut now = T0;
        let mut sent: Vec<Vec<u8>> = Vec::new();
        let scope = |s: Option<u8>| s.map_or(GrantScope::All, |n| GrantScope::Subject(format!("consumable:{n}")));
        for step in steps {
            match step {
                Step::Give { category, purpose, subject, days } => {
                    let (c, p) = (Category::ALL[category], Purpose::ALL[purpose]);
                    grants::give(&mut store, &decision("sudsy", c, p, scope(subject)), days * DAY, now).expect("give");
                    model.insert((c, p, subject), now + days * DAY);
                }
                Step::Withdraw { category, purpose, subject } => {
                    let (c, p) = (Category::ALL[category], Purpose::ALL[purpose]);
                    let existed = grants::withdraw(&mut store, &decision("sudsy", c, p, scope(subject)), now).expect("withdraw");
                    prop_assert_eq!(existed, model.remove(&(c, p, subject)).is_some());
                }
                Step::Wait { days } => now += days * DAY,
                Step::Request { purpose, fields } => {
                    let p = Purpose::ALL[purpose];
                    let live = |c: Category, s: Option<u8>| {
                        model.get(&(c, p, None)).is_some_and(|&exp| now < exp)
                            || (s.is_some() && model.get(&(c, p, s)).is_some_and(|&exp| now < exp))
                    };
                    let mut payload_fields = Vec::new();
                    let mut expect_refused = false;
                    let mut expect_keys = Vec::new();
                    for (i, (category, subject, required)) in fields.iter().enumerate() {
                        let c = Category::ALL[*category];
                        let name = format!("f{i}");
                        let mut field = Field::data(&name, c, subject.map(|n| format!("consumable:{n}")), serde_json::json!(format!("secret-{i}-{}", c.as_str())), name.clone());
                        if !required { field = field.optional(); }
                        if live(c, *subject) { expect_keys.push(name); } else if *required { expect_refused = true; }
                        payload_fields.push(field);
                    }
                    if expect_keys.is_empty() { expect_refused = true; }
                    let result = gate::prepare(&mut store, &id, &Payload { kind: RequestKind::Share, purpose: Some(p), fields: payload_fields }, now);
                    match result {
                        Ok(disclosure) => {
                            prop_assert!(!expect_refused, "let through a request the model refuses");
                            let body = body_of(&disclosure);
                            let keys: Vec<String> = body["data"].as_object().expect("data").keys().cloned().collect();
                            let mut expect_sorted = expect_keys.clone();
                            expect_sorted.sort();
                            prop_assert_eq!(keys, expect_sorted);
                            sent.push(disclosure.body().to_vec());
                        }
                        Err(error) => {
                            prop_assert!(expect_refused, "refused a request the model allows: {}", error);
                            let is_not_shared = matches!(error, Error::NotShared { .. });
                            prop_assert!(is_not_shared);
                        }
                    }
                }
            }
        }
        let mut recorded: Vec<Vec<u8>> = ledger::list(&store, &Filter::default()).expect("ledger").into_iter().map(|e| e.body).collect();
        recorded.reverse();
        prop_assert_eq!(recorded, sent);
    }
}

#[test]
fn the_export_holds_partners_grants_receipts_and_the_ledger_but_no_secret_key() {
    let (mut store, sudsy) = sudsy_store();
    let d = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    let grant = grants::give(&mut store, &d, DAY, T0).expect("grant");
    let sent = gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0).expect("sent");
    ledger::record_outcome(
        &mut store,
        sent.ledger_id(),
        ledger::Outcome::Delivered,
        None,
        T0 + 1,
    )
    .expect("outcome");
    let export =
        serde_json::to_value(household::export(&store, T0 + 2).expect("export")).expect("json");
    assert_eq!(export["partners"][0]["card"]["name"], "sudsy maker");
    assert_eq!(export["grants"][0]["receiptId"], grant.receipt_id.as_str());
    assert_eq!(
        export["consentReceipts"][0]["consentReceiptID"],
        grant.receipt_id.as_str()
    );
    assert_eq!(export["ledger"][0]["outcome"], "delivered");
    assert_eq!(
        export["ledger"][0]["summary"],
        "Dish soap: 8 of 40 packets left"
    );
    assert_eq!(
        export["ledger"][0]["body"].as_str().map(str::as_bytes),
        Some(sent.body())
    );
    let text = export.to_string();
    assert!(!text.contains("household_secret") && !text.contains("householdSecret"));
}

#[test]
fn a_new_card_that_asks_for_less_withdraws_what_it_no_longer_declares_with_receipts() {
    let (mut store, sudsy) = sudsy_store();
    let levels = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    let usage = decision(
        "sudsy",
        Category::UsagePatterns,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    grants::give(&mut store, &levels, DAY, T0).expect("levels");
    grants::give(&mut store, &usage, DAY, T0).expect("usage");
    let narrower = card(
        "sudsy",
        &[(Category::ConsumableLevels, Purpose::ReorderDelivery)],
    );
    assert_eq!(
        partners::replace(&mut store, &narrower, T0 + 1).expect("replaced"),
        1
    );
    let left: Vec<Category> = grants::list(&store, &sudsy)
        .expect("grants")
        .into_iter()
        .map(|g| g.category)
        .collect();
    assert_eq!(left, vec![Category::ConsumableLevels]);
    let newest = &receipts::list(&store, Some("sudsy")).expect("receipts")[0];
    assert_eq!(
        (newest.event.as_str(), newest.category.as_str()),
        ("withdrawn", "usage-patterns")
    );
}

#[test]
fn a_failed_request_is_retried_only_under_the_grants_it_was_sent_under() {
    let (mut store, sudsy) = sudsy_store();
    let d = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::All,
    );
    grants::give(&mut store, &d, DAY, T0).expect("grant");
    let sent = gate::prepare(&mut store, &sudsy, &reorder(vec![soap_level()]), T0).expect("sent");
    ledger::record_outcome(
        &mut store,
        sent.ledger_id(),
        ledger::Outcome::Failed,
        Some("down"),
        T0 + 1,
    )
    .expect("failed");

    let soon = gate::retry(&mut store, sent.ledger_id(), T0 + 60).expect("retry within the window");
    assert_eq!(soon.body(), sent.body());
    assert_eq!(
        soon.headers(),
        sent.headers(),
        "the very same signed request"
    );

    let later = gate::retry(&mut store, sent.ledger_id(), T0 + 3_600).expect("retry later");
    assert_eq!(later.body(), sent.body(), "the same bytes");
    assert_ne!(
        later.headers().signature_input,
        sent.headers().signature_input,
        "signed afresh"
    );
    signature::verify(
        "POST",
        later.url(),
        signature::CONTENT_TYPE,
        later.body(),
        later.headers(),
    )
    .expect("a valid signature");
    let entry = ledger::get(&store, sent.ledger_id())
        .expect("read")
        .expect("entry");
    assert_eq!(
        entry.signature_input,
        later.headers().signature_input,
        "the ledger keeps it"
    );

    grants::withdraw(&mut store, &d, T0 + 3_700).expect("withdrawn");
    let refused =
        gate::retry(&mut store, sent.ledger_id(), T0 + 3_800).expect_err("withdrawn since");
    assert!(matches!(refused, Error::NotShared { .. }), "{refused}");

    ledger::record_outcome(
        &mut store,
        sent.ledger_id(),
        ledger::Outcome::Delivered,
        None,
        T0 + 3_900,
    )
    .expect("delivered");
    assert!(gate::retry(&mut store, sent.ledger_id(), T0 + 4_000).is_err());
}

#[test]
fn renewing_keeps_each_grant_its_scope_for_another_term_with_a_new_receipt() {
    let (mut store, sudsy) = sudsy_store();
    let soap_only = decision(
        "sudsy",
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        GrantScope::Subject("consumable:1".into()),
    );
    let first = grants::give(&mut store, &soap_only, 30 * DAY, T0).expect("grant");
    assert!(
        first.needs_renewal(T0 + 5 * DAY),
        "asked again in the last month"
    );
    let renewed = grants::renew(
        &mut store,
        &sudsy,
        Category::ConsumableLevels,
        Purpose::ReorderDelivery,
        396 * DAY,
        T0 + 5 * DAY,
    )
    .expect("renewed");
    assert_eq!(renewed, 1);
    let now = &grants::list(&store, &sudsy).expect("grants")[0];
    assert_eq!(
        now.scope,
        GrantScope::Subject("consumable:1".into()),
        "still soap only"
    );
    assert_eq!(now.expires_at, T0 + 5 * DAY + 396 * DAY);
    assert!(!now.needs_renewal(T0 + 6 * DAY));
    assert_ne!(now.receipt_id, first.receipt_id);
    assert_eq!(
        receipts::list(&store, Some("sudsy")).expect("receipts")[0].event,
        "modified"
    );
}

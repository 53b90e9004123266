//! The gate, the partner client and the reference partner server together, on loopback: what
//! arrives at a partner is exactly what the ledger says was sent, and nothing of a category
//! arrives without a live grant for that partner and purpose.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use steward_core::consent::gate;
use steward_core::consent::payload::RequestKind;
use steward_core::consent::{
    Category, Field, GrantScope, PartnerCard, PartnerId, Payload, Purpose,
};
use steward_core::store::grants::{self, Decision};
use steward_core::store::ledger::{self, Filter, Outcome};
use steward_core::store::partners;
use steward_core::Store;
use steward_partner_server::{Behaviour, PartnerServer, PartnerSpec};
use steward_partners::{PartnerClient, Timeouts};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn every_ask() -> Vec<(Category, Purpose)> {
    Category::ALL
        .iter()
        .flat_map(|c| Purpose::ALL.iter().map(move |p| (*c, *p)))
        .collect()
}

async fn start_server(ids: &[&str]) -> PartnerServer {
    PartnerServer::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        ids.iter()
            .map(|id| PartnerSpec::new(id, &format!("{id} maker"), &[id], &[], &every_ask()))
            .collect(),
    )
    .await
    .expect("the partner server starts on loopback")
}

async fn add(
    store: &mut Store,
    client: &PartnerClient,
    server: &PartnerServer,
    id: &str,
) -> PartnerId {
    let token = client.fetch_card(&server.base_url(id)).await.expect("card");
    let card = PartnerCard::verify_new(&token).expect("self-signed card");
    partners::add(store, &card, now()).expect("add");
    card.id
}

fn decision(partner: &PartnerId, category: Category, purpose: Purpose) -> Decision {
    Decision {
        partner: partner.clone(),
        category,
        purpose,
        scope: GrantScope::All,
        collection_method: "privacy center",
    }
}

fn soap_order() -> Payload {
    Payload {
        kind: RequestKind::Order,
        purpose: Some(Purpose::ReorderDelivery),
        fields: vec![Field::data(
            "level",
            Category::ConsumableLevels,
            Some("consumable:1".into()),
            serde_json::json!({"remaining": 8, "capacity": 40}),
            "Dish soap: 8 of 40 packets left",
        )],
    }
}

/// Sends as the app does: gate, then client, then the outcome in the ledger.
async fn send(
    store: &mut Store,
    client: &PartnerClient,
    partner: &PartnerId,
    payload: &Payload,
) -> Result<(i64, steward_partners::Delivery), steward_core::Error> {
    let disclosure = gate::prepare(store, partner, payload, now())?;
    let delivery = client.send(&disclosure).await;
    ledger::record_outcome(
        store,
        disclosure.ledger_id(),
        delivery.outcome,
        delivery.detail.as_deref(),
        now(),
    )?;
    Ok((disclosure.ledger_id(), delivery))
}

#[tokio::test]
async fn grant_reorder_and_see_it_delivered_then_withdraw_and_nothing_reaches_the_partner() {
    let server = start_server(&["sudsy"]).await;
    let client = PartnerClient::new(Timeouts::default()).expect("client");
    let mut store = Store::open_in_memory().expect("store");
    let sudsy = add(&mut store, &client, &server, "sudsy").await;
    let levels = decision(&sudsy, Category::ConsumableLevels, Purpose::ReorderDelivery);

    grants::give(&mut store, &levels, 396 * 86_400, now()).expect("grant");
    let (id, delivery) = send(&mut store, &client, &sudsy, &soap_order())
        .await
        .expect("sent");
    assert_eq!(delivery.outcome, Outcome::Delivered, "{delivery:?}");
    assert_eq!(
        delivery.message.as_deref(),
        Some("sudsy maker will deliver your order in 2 days.")
    );
    let entry = ledger::get(&store, id).expect("read").expect("entry");
    let received = server.recorded();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].body, entry.body,
        "the partner got exactly the ledger's bytes"
    );
    assert_eq!(received[0].status, 200);
    assert_eq!(entry.outcome, Outcome::Delivered);

    grants::withdraw(&mut store, &levels, now()).expect("withdraw");
    let refused = send(&mut store, &client, &sudsy, &soap_order())
        .await
        .expect_err("withdrawn");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
    assert_eq!(
        server.recorded().len(),
        1,
        "nothing reached the partner after withdrawal"
    );
    assert_eq!(
        ledger::list(&store, &Filter::default())
            .expect("ledger")
            .len(),
        1
    );
}

#[tokio::test]
async fn a_down_slow_failing_redirecting_or_flooding_partner_leaves_an_honest_entry() {
    let server = start_server(&["sudsy"]).await;
    let elsewhere = server_recording_elsewhere().await;
    let client = PartnerClient::new(Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(1),
    })
    .expect("client");
    let mut store = Store::open_in_memory().expect("store");
    let sudsy = add(&mut store, &client, &server, "sudsy").await;
    grants::give(
        &mut store,
        &decision(&sudsy, Category::ConsumableLevels, Purpose::ReorderDelivery),
        86_400,
        now(),
    )
    .expect("grant");

    let cases = [
        (Behaviour::Status(503), Outcome::Failed, "failed (503)"),
        (Behaviour::Status(403), Outcome::Refused, "told to fail"),
        (
            Behaviour::Stall(Duration::from_secs(3)),
            Outcome::Failed,
            "in time",
        ),
        (
            Behaviour::Redirect(format!("{}/v1/orders", elsewhere.base_url("thief"))),
            Outcome::Failed,
            "redirect",
        ),
        (Behaviour::Huge(1 << 20), Outcome::Failed, "larger than"),
    ];
    for (behaviour, outcome, words) in cases {
        server.set_behaviour("sudsy", behaviour.clone());
        let (id, delivery) = send(&mut store, &client, &sudsy, &soap_order())
            .await
            .expect("prepared");
        let entry = ledger::get(&store, id).expect("read").expect("entry");
        assert_eq!(entry.outcome, outcome, "{behaviour:?}: {delivery:?}");
        assert!(
            entry
                .outcome_detail
                .as_deref()
                .is_some_and(|d| d.contains(words)),
            "{behaviour:?}: {:?}",
            entry.outcome_detail
        );
        assert_eq!(entry.attempts, 1);
    }
    assert!(
        elsewhere.recorded().is_empty(),
        "a redirect never moves a disclosure to another host"
    );

    // Down: nothing listens at the partner's address any more.
    let mut gone = Store::open_in_memory().expect("store");
    let card = PartnerCard::verify_new(&server.card("sudsy").expect("card")).expect("card");
    let mut moved = card.clone();
    moved.base_url = "http://127.0.0.1:9".to_owned();
    partners::add(&mut gone, &moved, now()).expect("add");
    grants::give(
        &mut gone,
        &decision(
            &moved.id,
            Category::ConsumableLevels,
            Purpose::ReorderDelivery,
        ),
        86_400,
        now(),
    )
    .expect("grant");
    let (id, _) = send(&mut gone, &client, &moved.id, &soap_order())
        .await
        .expect("prepared");
    let entry = ledger::get(&gone, id).expect("read").expect("entry");
    assert_eq!(entry.outcome, Outcome::Failed);
    assert!(entry
        .outcome_detail
        .as_deref()
        .is_some_and(|d| d.contains("could not be reached")));

    // A request that failed is tried again, the same bytes under the same grants.
    server.set_behaviour("sudsy", Behaviour::Status(503));
    let (id, failed) = send(&mut store, &client, &sudsy, &soap_order())
        .await
        .expect("prepared");
    assert_eq!(failed.outcome, Outcome::Failed);
    server.set_behaviour("sudsy", Behaviour::Normal);
    let again = gate::retry(&mut store, id, now()).expect("retry");
    let delivery = client.send(&again).await;
    ledger::record_outcome(
        &mut store,
        id,
        delivery.outcome,
        delivery.detail.as_deref(),
        now(),
    )
    .expect("outcome");
    let entry = ledger::get(&store, id).expect("read").expect("entry");
    assert_eq!((entry.outcome, entry.attempts), (Outcome::Delivered, 2));
    let last = server.recorded().pop().expect("received");
    assert_eq!(last.body, entry.body, "the very bytes the ledger holds");
    assert!(
        gate::retry(&mut store, id, now()).is_err(),
        "a delivered request is not sent again"
    );
}

async fn server_recording_elsewhere() -> PartnerServer {
    start_server(&["thief"]).await
}

#[tokio::test]
async fn removing_a_partner_sends_a_signed_erasure_request() {
    let server = start_server(&["sudsy"]).await;
    let client = PartnerClient::new(Timeouts::default()).expect("client");
    let mut store = Store::open_in_memory().expect("store");
    let sudsy = add(&mut store, &client, &server, "sudsy").await;
    let household = partners::get(&store, &sudsy)
        .expect("read")
        .expect("there")
        .household_id;
    let erasure = gate::remove_partner(&mut store, &sudsy, now()).expect("removed");
    let delivery = client.send(&erasure).await;
    ledger::record_outcome(
        &mut store,
        erasure.ledger_id(),
        delivery.outcome,
        delivery.detail.as_deref(),
        now(),
    )
    .expect("outcome");
    assert_eq!(delivery.outcome, Outcome::Delivered, "{delivery:?}");
    assert_eq!(server.erased("sudsy"), vec![household]);
}

#[tokio::test]
async fn a_key_change_is_taken_only_from_the_pinned_key() {
    let server = start_server(&["sudsy"]).await;
    let impostor = start_server(&["sudsy"]).await;
    let client = PartnerClient::new(Timeouts::default()).expect("client");
    let mut store = Store::open_in_memory().expect("store");
    let sudsy = add(&mut store, &client, &server, "sudsy").await;
    let pinned = partners::get(&store, &sudsy)
        .expect("read")
        .expect("there")
        .card;

    let forged = client
        .fetch_card(&impostor.base_url("sudsy"))
        .await
        .expect("impostor card");
    assert!(
        PartnerCard::verify_update(&pinned, &forged).is_err(),
        "another key, self-signed"
    );

    let rotated = server.rotate_key("sudsy").expect("rotate");
    let fetched = client
        .fetch_card(&server.base_url("sudsy"))
        .await
        .expect("card");
    assert_eq!(fetched, rotated);
    let card = PartnerCard::verify_update(&pinned, &fetched).expect("signed by the old key");
    partners::replace(&mut store, &card, now()).expect("pinned anew");
    assert_ne!(card.public_key, pinned.public_key);
}

/// One step for the property below.
#[derive(Debug, Clone)]
enum Step {
    Give(usize, usize),
    Withdraw(usize, usize),
    Request(usize, Vec<(usize, bool)>),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..7usize, 0..4usize).prop_map(|(c, p)| Step::Give(c, p)),
        (0..7usize, 0..4usize).prop_map(|(c, p)| Step::Withdraw(c, p)),
        (
            0..4usize,
            proptest::collection::vec((0..7usize, any::<bool>()), 1..4)
        )
            .prop_map(|(p, f)| Step::Request(p, f)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random grants, withdrawals and requests against the reference server, which records every
    /// byte: it never receives a value of a category without a live grant for that partner and
    /// purpose at the time, and the ledger matches what it received, request by request.
    #[test]
    fn the_partner_never_receives_an_ungranted_value(steps in proptest::collection::vec(step(), 1..25)) {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let server = start_server(&["sudsy", "crumb"]).await;
            let client = PartnerClient::new(Timeouts::default()).expect("client");
            let mut store = Store::open_in_memory().expect("store");
            let sudsy = add(&mut store, &client, &server, "sudsy").await;
            let crumb = add(&mut store, &client, &server, "crumb").await;
            // Crumb holds every grant: nothing granted to it may leak to Sudsy.
            for (c, p) in every_ask() {
                grants::give(&mut store, &decision(&crumb, c, p), 86_400, now()).expect("crumb grant");
            }
            let mut live: BTreeSet<(Category, Purpose)> = BTreeSet::new();
            let mut allowed_values: BTreeMap<String, (Category, Purpose)> = BTreeMap::new();
            let mut n = 0;
            for step in steps {
                match step {
                    Step::Give(c, p) => {
                        let (c, p) = (Category::ALL[c], Purpose::ALL[p]);
                        grants::give(&mut store, &decision(&sudsy, c, p), 86_400, now()).expect("give");
                        live.insert((c, p));
                    }
                    Step::Withdraw(c, p) => {
                        let (c, p) = (Category::ALL[c], Purpose::ALL[p]);
                        grants::withdraw(&mut store, &decision(&sudsy, c, p), now()).expect("withdraw");
                        live.remove(&(c, p));
                    }
                    Step::Request(p, fields) => {
                        let purpose = Purpose::ALL[p];
                        let fields: Vec<Field> = fields.iter().map(|(c, required)| {
                            n += 1;
                            let category = Category::ALL[*c];
                            let value = format!("value-{n}");
                            if live.contains(&(category, purpose)) {
                                allowed_values.insert(value.clone(), (category, purpose));
                            }
                            let field = Field::data(&format!("f{n}"), category, None, serde_json::json!(value), format!("f{n}"));
                            if *required { field } else { field.optional() }
                        }).collect();
                        let _ = send(&mut store, &client, &sudsy, &Payload { kind: RequestKind::Share, purpose: Some(purpose), fields }).await;
                    }
                }
            }
            let received: Vec<Vec<u8>> = server.recorded().into_iter().filter(|r| r.partner == "sudsy").map(|r| r.body).collect();
            for body in &received {
                let json: serde_json::Value = serde_json::from_slice(body).expect("json");
                for value in json["data"].as_object().expect("data").values() {
                    let value = value.as_str().expect("a tagged value");
                    assert!(allowed_values.contains_key(value), "{value} reached the partner without a live grant");
                }
            }
            let mut ledger_bodies: Vec<Vec<u8>> = ledger::list(&store, &Filter { partner_id: Some("sudsy"), ..Filter::default() })
                .expect("ledger").into_iter().map(|e| { assert_eq!(e.outcome, Outcome::Delivered); e.body }).collect();
            ledger_bodies.reverse();
            assert_eq!(ledger_bodies, received, "the ledger is what the partner received, request by request");
        });
    }
}

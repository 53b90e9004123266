//! "Ask the maker" through the API, against the reference partner server on loopback: the
//! owner's message goes through the consent gate as a support request (in the ledger, with the
//! guide it is about and nothing about the household), the scripted agent's reply arrives by
//! the long-polled read and is kept on the phone and announced; the conversation continues;
//! diagnostics go only under a grant; a forged or hostile answer is refused and nothing is lost.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use steward_api::support_wire::AskMakerInput;
use steward_api::{AppEvent, Steward};
use steward_partner_server::{brief_partners, PartnerServer};

async fn household() -> (
    PartnerServer,
    tempfile::TempDir,
    Arc<Steward>,
    common::Collect,
) {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("partner server");
    let dir = tempfile::tempdir().expect("dir");
    let events = common::Collect::default();
    let app = Arc::new(Steward::open(dir.path(), events.clone(), common::keys()));
    app.add_partners(&[server.base_url("lumaview")]).await;
    app.refresh_offers().await.expect("feeds");
    let reader = Arc::clone(&app);
    tokio::spawn(async move { reader.run_support_replies().await });
    (server, dir, app, events)
}

fn ask(message: &str) -> AskMakerInput {
    AskMakerInput {
        partner_id: "lumaview".into(),
        topic: Some("lumaview-disc-menu".into()),
        message: message.into(),
        diagnostics_of: None,
        allow_diagnostics: false,
    }
}

/// Waits until the conversation has `n` replies from the maker.
async fn replies(app: &Steward, id: u32, n: usize) -> steward_api::support_wire::ConversationView {
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let c = app.conversation(id).expect("conversation");
            if c.messages.iter().filter(|m| !m.from_owner).count() >= n {
                return c;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await
    .expect("the maker's reply arrives")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_asks_the_maker_and_the_reply_arrives_live() {
    let (server, _dir, app, events) = household().await;
    let asked = std::time::Instant::now();
    let started = app
        .ask_maker(ask("  The disc menu never shows up.  "))
        .await
        .expect("sent");
    assert_eq!(started.title, "Getting to the disc menu");
    assert_eq!(started.partner_name, "Lumaview");
    assert!(started.awaiting_reply);
    assert_eq!(started.messages.len(), 1);
    assert_eq!(started.messages[0].text, "The disc menu never shows up.");

    let answered = replies(&app, started.id, 1).await;
    println!(
        "support reply {} ms after the message (the agent takes 700 ms)",
        asked.elapsed().as_millis()
    );
    let reply = &answered.messages[1];
    assert_eq!(reply.name, "Ana at Lumaview");
    assert!(
        reply
            .text
            .starts_with("Hello, this is Ana at Lumaview support."),
        "{}",
        reply.text
    );
    assert!(!answered.awaiting_reply);
    assert!(events
        .0
        .lock()
        .expect("events")
        .iter()
        .any(|e| matches!(e, AppEvent::SupportReplied(c) if c.id == started.id)));

    // What the maker received: the owner's words and the guide, in a signed support request
    // recorded in the ledger; nothing about the household.
    let recorded = server.recorded();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].path, "/lumaview/v1/support");
    let body: serde_json::Value = serde_json::from_slice(&recorded[0].body).expect("json");
    assert_eq!(
        body["data"],
        serde_json::json!({"message": "The disc menu never shows up.", "topic": "lumaview-disc-menu"})
    );
    assert_eq!(body["receipts"], serde_json::json!([]));
    let ledger = app
        .ledger(steward_api::privacy_wire::LedgerFilterInput {
            partner_id: None,
            category: None,
            from: None,
            until: None,
        })
        .expect("ledger");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].outcome, "delivered");

    // The conversation goes on.
    let next = app
        .send_support_message(started.id, "Yes, that works, thanks!")
        .await
        .expect("sent");
    assert!(next.awaiting_reply);
    let done = replies(&app, started.id, 2).await;
    assert_eq!(done.messages.len(), 4);
    assert_eq!(
        done.messages[3].text,
        "Glad it works now! Write again any time."
    );
    let second: serde_json::Value =
        serde_json::from_slice(&server.recorded()[1].body).expect("json");
    assert!(second["data"]["conversation"].is_string(), "{second}");

    // Kept on the phone: in the list and the export.
    assert_eq!(app.conversations().expect("list").len(), 1);
}

#[tokio::test]
async fn bad_messages_and_unknown_partners_are_refused_with_the_reason_and_nothing_is_sent() {
    let (server, _dir, app, _events) = household().await;
    for (message, reason) in [("   ", "write something"), (&"x".repeat(1_001)[..], "1000")] {
        let refused = app.ask_maker(ask(message)).await.expect_err(message);
        assert!(refused.message.contains(reason), "{}", refused.message);
    }
    let mut stranger = ask("hello");
    stranger.partner_id = "nobody".into();
    assert!(app.ask_maker(stranger).await.is_err());
    // Diagnostics of a device the household does not have: refused before anything is sent.
    let mut with_diagnostics = ask("Here are my player's details");
    with_diagnostics.diagnostics_of = Some("00".repeat(16));
    assert!(app.ask_maker(with_diagnostics).await.is_err());
    assert!(server.recorded().is_empty());
    assert!(app.conversations().expect("list").is_empty());
}

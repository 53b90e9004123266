//! The reference server checks requests the way docs/protocol/partner-api.md tells a partner to:
//! attacked here as an attacker would, with raw HTTP on loopback.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{SystemTime, UNIX_EPOCH};

use ed25519_dalek::SigningKey;
use steward_core::consent::signature::{self, SignedHeaders};
use steward_core::consent::{Category, Purpose};
use steward_partner_server::{PartnerServer, PartnerSpec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn start() -> PartnerServer {
    PartnerServer::start(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        vec![PartnerSpec::new(
            "sudsy",
            "Sudsy",
            &["Sudsy"],
            &[],
            &[(Category::ConsumableLevels, Purpose::ReorderDelivery)],
        )],
    )
    .await
    .expect("server")
}

/// POSTs `body` with `headers` and returns the status.
async fn post(server: &PartnerServer, path: &str, body: &[u8], headers: &SignedHeaders) -> u16 {
    post_full(server, path, body, headers).await.0
}

/// POSTs `body` with `headers` and returns the status and the answer's body.
async fn post_full(
    server: &PartnerServer,
    path: &str,
    body: &[u8],
    headers: &SignedHeaders,
) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Digest: {}\r\nSignature-Input: {}\r\nSignature: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr(), headers.content_digest, headers.signature_input, headers.signature, body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|status| status.parse().ok())
        .expect("an HTTP status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn body(household: &SigningKey, receipts: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "kind": "share", "purpose": "reorder-delivery", "sentAt": now(),
        "household": signature::key_id(&household.verifying_key()),
        "receipts": receipts, "data": {"level": 8},
    })
    .to_string()
    .into_bytes()
}

fn receipt(household: &SigningKey, status: &str, expiry: i64) -> serde_json::Value {
    serde_json::json!([{
        "piiPrincipalId": signature::key_id(&household.verifying_key()),
        "iso27560": {"partnerId": "sudsy", "status": status, "purpose": "reorder-delivery", "expiry": expiry}
    }])
}

#[tokio::test]
async fn forged_replayed_stale_and_unreceipted_requests_are_refused() {
    let server = start().await;
    let uri = format!("{}/v1/share", server.base_url("sudsy"));
    let path = "/sudsy/v1/share";
    let household = SigningKey::from_bytes(&[7; 32]);
    let good = body(&household, receipt(&household, "active", now() + 3600));
    let headers = signature::sign(&household, &uri, &good, now(), "nonce-1");
    assert_eq!(
        post(&server, path, &good, &headers).await,
        200,
        "a good request"
    );
    assert_eq!(
        post(&server, path, &good, &headers).await,
        200,
        "the same bytes again: a retry"
    );

    let other = body(&household, receipt(&household, "active", now() + 7200));
    let reused = signature::sign(&household, &uri, &other, now(), "nonce-1");
    assert_eq!(
        post(&server, path, &other, &reused).await,
        409,
        "a nonce reused for another body"
    );

    let mut tampered = headers.clone();
    tampered.content_digest = signature::content_digest(&other);
    assert_eq!(
        post(&server, path, &other, &tampered).await,
        401,
        "a body swapped in transit"
    );

    let stale = signature::sign(&household, &uri, &good, now() - 3600, "nonce-2");
    assert_eq!(
        post(&server, path, &good, &stale).await,
        401,
        "an hour-old request"
    );

    let impostor = SigningKey::from_bytes(&[9; 32]);
    let claimed = signature::sign(&impostor, &uri, &good, now(), "nonce-3");
    assert_eq!(
        post(&server, path, &good, &claimed).await,
        401,
        "signed by another household than it names"
    );

    let elsewhere = signature::sign(
        &household,
        &format!("{}/v1/share", server.base_url("crumb")),
        &good,
        now(),
        "nonce-4",
    );
    assert_eq!(
        post(&server, path, &good, &elsewhere).await,
        401,
        "signed for another partner's address"
    );

    let withdrawn = body(&household, receipt(&household, "withdrawn", now() + 3600));
    let signed = signature::sign(&household, &uri, &withdrawn, now(), "nonce-5");
    assert_eq!(
        post(&server, path, &withdrawn, &signed).await,
        403,
        "under a withdrawn receipt"
    );

    let expired = body(&household, receipt(&household, "active", now() - 1));
    let signed = signature::sign(&household, &uri, &expired, now(), "nonce-6");
    assert_eq!(
        post(&server, path, &expired, &signed).await,
        403,
        "under an expired receipt"
    );

    let unsigned = SignedHeaders {
        content_digest: signature::content_digest(&good),
        signature_input: String::new(),
        signature: String::new(),
    };
    assert_eq!(
        post(&server, path, &good, &unsigned).await,
        401,
        "no signature"
    );

    let accepted = server.recorded().iter().filter(|r| r.status == 200).count();
    assert_eq!(
        accepted, 2,
        "only the good request and its retry were accepted"
    );
}

#[tokio::test]
async fn kept_keys_survive_a_restart_so_pinned_cards_stay_valid() {
    let dir = std::env::temp_dir().join(format!("steward-partner-keys-{}", std::process::id()));
    let specs = || vec![PartnerSpec::new("sudsy", "Sudsy", &["Sudsy"], &[], &[])];
    let first = PartnerServer::start_with_keys(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        specs(),
        Some(&dir),
    )
    .await
    .expect("first");
    let second = PartnerServer::start_with_keys(
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        specs(),
        Some(&dir),
    )
    .await
    .expect("second");
    let pinned =
        steward_core::consent::PartnerCard::verify_new(&first.card("sudsy").expect("card"))
            .expect("card");
    let moved = steward_core::consent::PartnerCard::verify_update(
        &pinned,
        &second.card("sudsy").expect("card"),
    )
    .expect("the same key signs the card at its new address");
    assert_ne!(moved.base_url, pinned.base_url);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("sudsy.key"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_retry_signed_afresh_is_answered_as_the_same_request() {
    let server = start().await;
    let uri = format!("{}/v1/share", server.base_url("sudsy"));
    let household = SigningKey::from_bytes(&[7; 32]);
    let body = body(&household, receipt(&household, "active", now() + 3600));
    let first = signature::sign(&household, &uri, &body, now(), "first");
    let (status, answer) = post_full(&server, "/sudsy/v1/share", &body, &first).await;
    assert_eq!(status, 200);
    let again = signature::sign(&household, &uri, &body, now(), "second");
    let (status, repeated) = post_full(&server, "/sudsy/v1/share", &body, &again).await;
    assert_eq!(status, 200);
    assert_eq!(repeated, answer, "the same reference: processed once");
}

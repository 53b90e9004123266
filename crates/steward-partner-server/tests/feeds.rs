//! The reference server's feeds: each demo partner's feed verifies with its card's key, is
//! answered 304 to a client that has it, and `sign-feed` makes a feed anyone can publish.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use steward_core::consent::PartnerCard;
use steward_partner_server::{brief_partners, PartnerServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// GETs `path` with extra header lines; returns the status, the headers and the body.
async fn get(server: &PartnerServer, path: &str, extra: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr())
        .await
        .expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\n{extra}Connection: close\r\n\r\n",
        server.addr()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let (head, body) = answer.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, head.to_lowercase(), body.to_owned())
}

#[tokio::test]
async fn every_demo_feed_verifies_with_its_partner_key_and_a_known_one_is_not_sent_again() {
    let server = PartnerServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), brief_partners())
        .await
        .expect("server");
    for id in ["sudsy", "crumb", "goldcrust", "lumaview", "cornerway"] {
        let card = PartnerCard::verify_new(&server.card(id).expect("card")).expect("card");
        let (status, head, token) = get(&server, &format!("/{id}/feed"), "").await;
        assert_eq!(status, 200, "{id}");
        let feed =
            steward_core::feed::verify(token.trim(), &card, None, now()).expect("a good feed");
        assert_eq!(feed.partner, id);
        assert!(
            !feed.offers.is_empty() || !feed.tutorials.is_empty(),
            "{id} publishes something"
        );
        assert!(head.contains("etag: \"1\""), "{head}");
        let (status, _, body) =
            get(&server, &format!("/{id}/feed"), "If-None-Match: \"1\"\r\n").await;
        assert_eq!((status, body.as_str()), (304, ""));
    }
    let (status, _, _) = get(&server, "/nobody/feed", "").await;
    assert_eq!(status, 404);
}

#[test]
fn sign_feed_signs_a_feed_file_with_a_kept_key() {
    let dir = std::env::temp_dir().join(format!("steward-sign-feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let key = dir.join("sudsy.key");
    std::fs::write(&key, [5u8; 32]).expect("key");
    let feed = steward_partner_server::feeds::demo_feed("sudsy", now()).expect("a demo feed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_steward-partner-server"))
        .arg("sign-feed")
        .arg(&key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(feed.to_string().as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).expect("text");
    let signer = ed25519_dalek::SigningKey::from_bytes(&[5u8; 32]);
    let payload =
        steward_core::consent::jws::verify(token.trim(), &signer.verifying_key()).expect("signed");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&payload).expect("json"),
        feed
    );
    let _ = std::fs::remove_dir_all(&dir);
}

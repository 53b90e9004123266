//! The feed fetcher against hostile partners on loopback: a server that drips (slowloris), one
//! that never answers, an endless body, a 20 MB body with and without its length, a redirect to
//! another host, changed content under the same ETag, an older signed feed and a feed signed
//! with another partner's key. Each fetch ends within the client's deadline, reads no more than
//! the feed limit, and the last good feed stays kept (in SQLite on disk) with a reason the owner
//! can read.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use steward_core::consent::{jws, PartnerCard};
use steward_core::feed::verify::MAX_FEED_BYTES;
use steward_core::store::{feeds, partners};
use steward_core::Store;
use steward_partners::{FeedFetch, PartnerClient, Timeouts};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The client's deadlines here: short, so a hang shows as a failure quickly.
const TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_secs(1),
    total: Duration::from_secs(2),
};
/// Long enough for any bounded fetch on a loaded machine; a fetch that hangs exceeds it.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn partner_key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn card(base_url: &str) -> PartnerCard {
    let json = serde_json::json!({
        "id": "dishwell", "name": "Dishwell", "brands": ["Dishwell"],
        "baseUrl": base_url,
        "publicKey": URL_SAFE_NO_PAD.encode(partner_key().verifying_key().to_bytes()),
        "policyUrl": "https://dishwell.example/privacy", "policyVersion": "1",
    });
    PartnerCard::verify_new(&jws::sign(&partner_key(), json.to_string().as_bytes())).expect("card")
}

fn feed(sequence: u64, offer_name: &str) -> serde_json::Value {
    let at = |secs: i64| steward_core::feed::time::format_utc(secs);
    serde_json::json!({
        "version": 1, "partner": "dishwell", "sequence": sequence,
        "issuedAt": at(now() - 60), "expiresAt": at(now() + 86_400),
        "offers": [{
            "@type": "Offer", "id": "soap", "name": offer_name,
            "item": {"category": "Dish soap"},
            "validFrom": at(now() - 60), "validThrough": at(now() + 86_400),
            "targeting": [], "collapseKey": "soap", "priority": 3
        }]
    })
}

fn signed(key: &SigningKey, feed: &serde_json::Value) -> String {
    jws::sign(key, feed.to_string().as_bytes())
}

/// How a hostile partner answers every connection.
#[derive(Clone)]
enum Hostile {
    /// Headers, then one byte every 300 ms, for ever.
    Drip,
    /// Accepts and never says anything.
    Silent,
    /// A chunked body that never ends.
    Endless,
    /// 20 MB, announced in Content-Length.
    HugeWithLength,
    /// 20 MB, no length, ended by closing.
    HugeUntilClose,
    /// 302 to another host.
    Redirect(String),
    /// 200 with this body and ETag, or 304 when the client sends that ETag.
    Serve(Arc<Mutex<(String, String)>>),
    /// 200 with this content type and this many bytes.
    Picture(&'static str, usize),
}

struct Partner {
    base_url: String,
    /// Bytes of answer written, and requests seen (with their head).
    written: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

async fn start(behaviour: Hostile) -> Partner {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let written = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (w, r) = (Arc::clone(&written), Arc::clone(&requests));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (behaviour, w, r) = (behaviour.clone(), Arc::clone(&w), Arc::clone(&r));
            tokio::spawn(async move { answer(stream, behaviour, w, r).await });
        }
    });
    Partner {
        base_url: format!("http://{addr}/dishwell"),
        written,
        requests,
    }
}

/// The answering side, counting what it managed to write.
struct Out {
    stream: TcpStream,
    written: Arc<AtomicUsize>,
}

impl Out {
    async fn send(&mut self, bytes: Vec<u8>) -> bool {
        let ok = self.stream.write_all(&bytes).await.is_ok();
        if ok {
            self.written.fetch_add(bytes.len(), Ordering::SeqCst);
        }
        ok
    }
}

async fn answer(
    mut stream: TcpStream,
    behaviour: Hostile,
    written: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).to_string();
    requests.lock().expect("lock").push(head.clone());
    let out = Out { stream, written };
    let mut out = out;
    match behaviour {
        Hostile::Silent => tokio::time::sleep(Duration::from_secs(60)).await,
        Hostile::Drip => {
            if out
                .send(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".to_vec())
                .await
            {
                while out.send(b"x".to_vec()).await {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        }
        Hostile::Endless => {
            if out
                .send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec())
                .await
            {
                let chunk = format!("10000\r\n{}\r\n", "a".repeat(0x10000)).into_bytes();
                while out.send(chunk.clone()).await {}
            }
        }
        Hostile::HugeWithLength | Hostile::HugeUntilClose => {
            let header = if matches!(behaviour, Hostile::HugeWithLength) {
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", 20 << 20)
            } else {
                "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_owned()
            };
            if out.send(header.into_bytes()).await {
                for _ in 0..(20 << 4) {
                    if !out.send(vec![b'a'; 64 << 10]).await {
                        break;
                    }
                }
            }
        }
        Hostile::Redirect(to) => {
            let _ = out
                .send(
                    format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n")
                        .into_bytes(),
                )
                .await;
        }
        Hostile::Picture(media_type, size) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {media_type}\r\nContent-Length: {size}\r\n\r\n"
            );
            if out.send(head.into_bytes()).await {
                let _ = out.send(vec![0x89; size]).await;
            }
        }
        Hostile::Serve(current) => {
            let (body, etag) = current.lock().expect("lock").clone();
            let asked = head
                .lines()
                .any(|line| line.eq_ignore_ascii_case(&format!("if-none-match: {etag}")));
            let answer = if asked {
                format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n\r\n")
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/jose\r\nETag: {etag}\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                )
            };
            let _ = out.send(answer.into_bytes()).await;
        }
    }
}

/// A store on disk with Dishwell added and a good feed (sequence 5) kept.
fn store_with_good_feed(dir: &std::path::Path, card: &PartnerCard) -> Store {
    let mut store = Store::open_in(dir).expect("store");
    partners::add(&mut store, card, now()).expect("partner");
    feeds::accept(
        &mut store,
        card,
        &signed(&partner_key(), &feed(5, "Good soap offer")),
        Some("\"5\""),
        now(),
    )
    .expect("store")
    .expect("the good feed");
    store
}

fn kept_offer(store: &Store, card: &PartnerCard) -> (u64, String) {
    let (feed, _) = feeds::kept(store, card)
        .expect("store")
        .expect("a kept feed");
    (feed.sequence, feed.offers[0].name.clone())
}

/// Fetches and, like the app, keeps a good feed or records why not. Returns the reason.
async fn refresh(store: &mut Store, card: &PartnerCard) -> Option<String> {
    let client = PartnerClient::new(TIMEOUTS).expect("client");
    let etag = feeds::kept(store, card)
        .expect("store")
        .and_then(|(_, etag)| etag);
    let started = Instant::now();
    let fetched = tokio::time::timeout(
        ENDS_WITHIN,
        client.fetch_feed(&card.base_url, etag.as_deref()),
    )
    .await
    .expect("the fetch ends: bounded by the client's deadline, not the server");
    assert!(started.elapsed() < ENDS_WITHIN);
    let reason = match fetched {
        Ok(FeedFetch::NotModified) => None,
        Ok(FeedFetch::Fetched { token, etag }) => {
            feeds::accept(store, card, &token, etag.as_deref(), now())
                .expect("store")
                .err()
                .map(|e| e.to_string())
        }
        Err(error) => {
            feeds::record_problem(store, card.id.as_str(), &error.to_string(), now())
                .expect("store");
            Some(error.to_string())
        }
    };
    assert_eq!(
        feeds::problem(store, card.id.as_str())
            .expect("store")
            .map(|(r, _)| r),
        reason,
        "the owner sees the same reason"
    );
    reason
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_silent_endless_huge_and_redirecting_partners_are_cut_off_and_the_last_feed_stays() {
    let other = start(Hostile::Silent).await;
    let cases = [
        (Hostile::Drip, "did not answer in time"),
        (Hostile::Silent, "did not answer in time"),
        (Hostile::Endless, "larger than 524288 bytes"),
        (Hostile::HugeWithLength, "larger than 524288 bytes"),
        (Hostile::HugeUntilClose, "larger than 524288 bytes"),
        (
            Hostile::Redirect(format!("{}/feed", other.base_url)),
            "redirect (302); it was not followed",
        ),
    ];
    for (behaviour, expected) in cases {
        let partner = start(behaviour).await;
        let dir = tempfile::tempdir().expect("dir");
        let card = card(&partner.base_url);
        let mut store = store_with_good_feed(dir.path(), &card);
        let reason = refresh(&mut store, &card).await.expect("refused");
        assert!(reason.contains(expected), "{expected:?} in {reason:?}");
        assert_eq!(
            kept_offer(&store, &card),
            (5, "Good soap offer".to_owned()),
            "{expected}"
        );
        // Not read to the end: what the partner managed to write is the limit plus what the
        // sockets buffer, far from the 20 MB (or endless) it tried to send.
        let written = partner.written.load(Ordering::SeqCst);
        assert!(
            written < MAX_FEED_BYTES + (12 << 20),
            "{expected}: {written} bytes written"
        );
        let requests = partner.requests.lock().expect("lock").clone();
        assert_eq!(requests.len(), 1, "{expected}: asked once, no retry storm");
        assert!(
            requests[0].starts_with("GET /dishwell/feed HTTP/1.1\r\n"),
            "{}",
            requests[0]
        );
    }
    assert!(
        other.requests.lock().expect("lock").is_empty(),
        "the redirect to another host was not followed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_etag_saves_a_download_but_never_vouches_for_content() {
    let served = Arc::new(Mutex::new((String::new(), String::new())));
    let partner = start(Hostile::Serve(Arc::clone(&served))).await;
    let dir = tempfile::tempdir().expect("dir");
    let card = card(&partner.base_url);
    let mut store = store_with_good_feed(dir.path(), &card);

    // The kept feed's ETag is sent; 304 keeps it.
    *served.lock().expect("lock") = (
        signed(&partner_key(), &feed(5, "Good soap offer")),
        "\"5\"".into(),
    );
    assert_eq!(refresh(&mut store, &card).await, None);
    let asked = partner
        .requests
        .lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("a request");
    assert!(asked.contains("if-none-match: \"5\"\r\n"), "{asked}");

    // Changed content under another ETag, same sequence: a replay, refused; the kept feed stays.
    *served.lock().expect("lock") = (
        signed(&partner_key(), &feed(5, "Swapped offer")),
        "\"5b\"".into(),
    );
    let reason = refresh(&mut store, &card).await.expect("refused");
    assert!(reason.contains("not newer"), "{reason}");
    assert_eq!(kept_offer(&store, &card), (5, "Good soap offer".to_owned()));

    // A newer feed under an ETag unchanged from the last answer: the content decides, kept.
    *served.lock().expect("lock") = (
        signed(&partner_key(), &feed(6, "Newer offer")),
        "\"5b\"".into(),
    );
    assert_eq!(refresh(&mut store, &card).await, None);
    assert_eq!(kept_offer(&store, &card), (6, "Newer offer".to_owned()));

    // An older, genuinely signed feed (a replay of last week's): refused.
    *served.lock().expect("lock") = (
        signed(&partner_key(), &feed(3, "Old offer")),
        "\"3\"".into(),
    );
    let reason = refresh(&mut store, &card).await.expect("refused");
    assert!(
        reason.contains("not newer than the one Steward has (number 3, kept 6)"),
        "{reason}"
    );
    assert_eq!(kept_offer(&store, &card), (6, "Newer offer".to_owned()));

    // A newer feed signed with another partner's key: forged, refused.
    let other_key = SigningKey::from_bytes(&[8; 32]);
    *served.lock().expect("lock") = (signed(&other_key, &feed(9, "Forged offer")), "\"9\"".into());
    let reason = refresh(&mut store, &card).await.expect("refused");
    assert_eq!(reason, "the signature does not match Dishwell's key");
    assert_eq!(kept_offer(&store, &card), (6, "Newer offer".to_owned()));

    // Every request was the same plain GET: no cookie, no query, nothing about the household.
    for request in partner.requests.lock().expect("lock").iter() {
        let mut lines = request.lines();
        assert_eq!(lines.next(), Some("GET /dishwell/feed HTTP/1.1"));
        for line in lines.filter(|l| !l.is_empty()) {
            let name = line
                .split(':')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(
                ["host", "accept", "if-none-match", "user-agent"].contains(&name.as_str()),
                "unexpected header {line:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tutorial_pictures_come_only_from_the_partner_as_small_raster_images() {
    let client = PartnerClient::new(TIMEOUTS).expect("client");
    let png = start(Hostile::Picture("image/png", 2_000)).await;
    let image = client
        .fetch_image(&png.base_url, &format!("{}/img/step1.png", png.base_url))
        .await
        .expect("a small PNG from the partner's own host");
    assert_eq!((image.media_type, image.bytes.len()), ("image/png", 2_000));

    let elsewhere = start(Hostile::Picture("image/png", 10)).await;
    let refused = client
        .fetch_image(
            &png.base_url,
            &format!("{}/img/track.png", elsewhere.base_url),
        )
        .await
        .expect_err("another host");
    assert_eq!(refused.0, "the picture is not on the partner's own host");
    assert!(
        elsewhere.requests.lock().expect("lock").is_empty(),
        "not even asked"
    );
    for sneaky in ["/img/a.png?u=1", "/img/a.png#x"] {
        assert!(client
            .fetch_image(&png.base_url, &format!("{}{sneaky}", png.base_url))
            .await
            .is_err());
    }

    let svg = start(Hostile::Picture("image/svg+xml", 100)).await;
    let refused = client
        .fetch_image(&svg.base_url, &format!("{}/img/a.svg", svg.base_url))
        .await
        .expect_err("SVG can carry script");
    assert_eq!(refused.0, "the picture is not PNG, JPEG, WebP or GIF");

    let huge = start(Hostile::Picture("image/jpeg", 3 << 20)).await;
    let refused = client
        .fetch_image(&huge.base_url, &format!("{}/img/big.jpg", huge.base_url))
        .await
        .expect_err("over 1 MiB");
    assert!(refused.0.contains("larger than"), "{}", refused.0);
}

//! The server: one axum router on loopback hosting several partners under `/{id}`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use steward_core::consent::signature::SignedHeaders;
use steward_core::consent::{jws, Category, Purpose};

use crate::verify::{self, Seen};
use crate::Behaviour;

/// A partner to host.
#[derive(Debug, Clone)]
pub struct PartnerSpec {
    pub id: String,
    pub name: String,
    pub brands: Vec<String>,
    pub models: Vec<String>,
    pub asks: Vec<(Category, Purpose)>,
    pub policy_version: String,
}

impl PartnerSpec {
    pub fn new(
        id: &str,
        name: &str,
        brands: &[&str],
        models: &[&str],
        asks: &[(Category, Purpose)],
    ) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            brands: brands.iter().map(|b| (*b).to_owned()).collect(),
            models: models.iter().map(|m| (*m).to_owned()).collect(),
            asks: asks.to_vec(),
            policy_version: "2026-11".to_owned(),
        }
    }
}

/// One request as it arrived, and what was answered.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub partner: String,
    pub path: String,
    pub body: Vec<u8>,
    /// The household key the request was signed with, when it verified.
    pub household: Option<String>,
    pub status: u16,
    pub at: i64,
}

struct Hosted {
    spec: PartnerSpec,
    key: SigningKey,
    card: String,
    /// The feed document (unsigned; signed when served) and its sequence.
    feed: Option<serde_json::Value>,
    behaviour: Behaviour,
    seen: Seen,
    /// Answers by (household, content digest), for a retry signed afresh (same body, new nonce):
    /// answered as the same request within a day, as the protocol asks.
    answered: HashMap<(String, String), (String, i64)>,
    /// Households that asked to be erased.
    erased: Vec<String>,
}

struct Shared {
    base: String,
    partners: HashMap<String, Hosted>,
    recorded: Vec<Recorded>,
    /// Every request as it arrived (method, target, headers), whatever it asked for.
    requests: Vec<Request>,
    /// Support conversations, across partners.
    desk: crate::support::Desk,
}

/// A request's line and headers, as the server saw them: what a partner learns from a visit.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path and the query, if any.
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
}

/// A running reference server.
#[derive(Clone)]
pub struct PartnerServer {
    shared: Arc<Mutex<Shared>>,
    addr: SocketAddr,
}

impl PartnerServer {
    /// Starts on `addr` (port 0: any free port) and serves until the runtime ends, with new
    /// partner keys.
    pub async fn start(addr: SocketAddr, specs: Vec<PartnerSpec>) -> std::io::Result<Self> {
        Self::start_with_keys(addr, specs, None).await
    }

    /// Like [`start`](Self::start), keeping each partner's key in `keys` (made on first use,
    /// owner-only), so a demo's partners keep their pinned keys from one run to the next.
    pub async fn start_with_keys(
        addr: SocketAddr,
        specs: Vec<PartnerSpec>,
        keys: Option<&std::path::Path>,
    ) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base = format!("http://{addr}");
        let mut partners = HashMap::new();
        for spec in specs {
            let key = match keys {
                Some(dir) => kept_key(dir, &spec.id)?,
                None => new_key()?,
            };
            let card = card(&spec, &base, &key, &key);
            let feed =
                crate::feeds::demo_feed_at(&spec.id, Some(&format!("{base}/{}", spec.id)), now());
            partners.insert(
                spec.id.clone(),
                Hosted {
                    spec,
                    key,
                    card,
                    feed,
                    behaviour: Behaviour::Normal,
                    seen: Seen::new(),
                    answered: HashMap::new(),
                    erased: Vec::new(),
                },
            );
        }
        let shared = Arc::new(Mutex::new(Shared {
            base,
            partners,
            recorded: Vec::new(),
            requests: Vec::new(),
            desk: crate::support::Desk::default(),
        }));
        let router = Router::new()
            .route("/{partner}/card", get(serve_card))
            .route("/{partner}/feed", get(serve_feed))
            .route("/{partner}/img/{file}", get(serve_image))
            .route("/{partner}/v1/{kind}", post(receive))
            .route(
                "/{partner}/v1/support/{reference}/messages",
                get(support_messages),
            )
            .layer(DefaultBodyLimit::max(64 * 1024))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                note_request,
            ))
            .with_state(shared.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "the partner server stopped");
            }
        });
        Ok(Self { shared, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base address of a hosted partner, as its card says.
    pub fn base_url(&self, partner: &str) -> String {
        format!("http://{}/{partner}", self.addr)
    }

    /// A hosted partner's current card (JWS).
    pub fn card(&self, partner: &str) -> Option<String> {
        self.lock().partners.get(partner).map(|p| p.card.clone())
    }

    /// Every request received so far, in order.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.lock().recorded.clone()
    }

    /// The households that asked `partner` to erase them.
    pub fn erased(&self, partner: &str) -> Vec<String> {
        self.lock()
            .partners
            .get(partner)
            .map(|p| p.erased.clone())
            .unwrap_or_default()
    }

    /// Every request received so far, whatever it asked for.
    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    /// Publishes `feed` (a feed document) as `partner`'s feed from now on; it is signed with the
    /// partner's key when served.
    pub fn set_feed(&self, partner: &str, feed: serde_json::Value) {
        if let Some(hosted) = self.lock().partners.get_mut(partner) {
            hosted.feed = Some(feed);
        }
    }

    pub fn set_behaviour(&self, partner: &str, behaviour: Behaviour) {
        if let Some(hosted) = self.lock().partners.get_mut(partner) {
            hosted.behaviour = behaviour;
        }
    }

    /// Moves `partner` to a new key; the new card is signed by the old key, as the protocol
    /// requires, and served from now on. Returns it.
    pub fn rotate_key(&self, partner: &str) -> std::io::Result<String> {
        let new_key = new_key()?;
        let mut shared = self.lock();
        let base = shared.base.clone();
        let hosted = shared
            .partners
            .get_mut(partner)
            .ok_or_else(|| std::io::Error::other("no such partner"))?;
        hosted.card = card(&hosted.spec, &base, &new_key, &hosted.key);
        hosted.key = new_key;
        Ok(hosted.card.clone())
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        lock(&self.shared)
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A panic while holding the lock cannot leave the recording half-written in a way that
    // matters to a test server; keep serving.
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn new_key() -> std::io::Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key kept for `id` in `dir`, made and saved (0600) the first time.
fn kept_key(dir: &std::path::Path, id: &str) -> std::io::Result<SigningKey> {
    let path = dir.join(format!("{id}.key"));
    match std::fs::read(&path) {
        Ok(bytes) => {
            let seed: [u8; 32] = bytes
                .try_into()
                .map_err(|_| std::io::Error::other(format!("{} is not a key", path.display())))?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let key = new_key()?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(&mut options.open(&path)?, &key.to_bytes())?;
            Ok(key)
        }
        Err(error) => Err(error),
    }
}

/// The card for `spec` naming `key`, signed by `signer` (the same key, or the old one).
fn card(spec: &PartnerSpec, base: &str, key: &SigningKey, signer: &SigningKey) -> String {
    let json = serde_json::json!({
        "id": spec.id,
        "name": spec.name,
        "brands": spec.brands,
        "models": spec.models,
        "baseUrl": format!("{base}/{}", spec.id),
        "publicKey": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
        "policyUrl": format!("{base}/{}/privacy", spec.id),
        "policyVersion": spec.policy_version,
        "asks": spec.asks.iter().map(|(c, p)| serde_json::json!({
            "category": c.as_str(), "purpose": p.as_str()
        })).collect::<Vec<_>>(),
    });
    jws::sign(signer, json.to_string().as_bytes())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

async fn serve_card(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(partner): Path<String>,
) -> Response {
    let card = lock(&shared).partners.get(&partner).map(|p| p.card.clone());
    match card {
        Some(card) => ([("content-type", "application/jose")], card).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Notes every request's line and headers before it is answered.
async fn note_request(
    State(shared): State<Arc<Mutex<Shared>>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let seen = Request {
        method: request.method().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map_or_else(String::new, ToString::to_string),
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
    };
    lock(&shared).requests.push(seen);
    next.run(request).await
}

/// A demo tutorial's picture (PNG), for partners that have them.
async fn serve_image(Path((partner, file)): Path<(String, String)>) -> Response {
    match crate::feeds::demo_image(&partner, &file) {
        Some(bytes) => ([("content-type", "image/png")], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A partner's feed, signed, with its sequence as ETag; 304 when the client has it already.
async fn serve_feed(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path(partner): Path<String>,
    headers: HeaderMap,
) -> Response {
    let served = lock(&shared).partners.get(&partner).and_then(|p| {
        let feed = p.feed.as_ref()?;
        let etag = format!("\"{}\"", feed["sequence"]);
        Some((etag, jws::sign(&p.key, feed.to_string().as_bytes())))
    });
    let Some((etag, token)) = served else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let known = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    if known {
        return (StatusCode::NOT_MODIFIED, [("etag", etag)]).into_response();
    }
    (
        [
            ("content-type", "application/jose".to_owned()),
            ("etag", etag),
        ],
        token,
    )
        .into_response()
}

async fn receive(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path((partner, kind)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/{partner}/v1/{kind}");
    let behaviour = lock(&shared)
        .partners
        .get(&partner)
        .map(|p| p.behaviour.clone());
    let Some(behaviour) = behaviour else {
        return answer(
            &shared,
            &partner,
            &path,
            &body,
            None,
            404,
            "no such partner",
        );
    };
    match behaviour {
        Behaviour::Normal => {}
        Behaviour::Status(status) => {
            return answer(
                &shared,
                &partner,
                &path,
                &body,
                None,
                status,
                "told to fail",
            );
        }
        Behaviour::Stall(wait) => {
            record(&shared, &partner, &path, &body, None, 0);
            tokio::time::sleep(wait).await;
            return (StatusCode::OK, r#"{"status":"accepted"}"#).into_response();
        }
        Behaviour::Redirect(to) => {
            record(&shared, &partner, &path, &body, None, 307);
            return (StatusCode::TEMPORARY_REDIRECT, [("location", to)]).into_response();
        }
        Behaviour::Huge(size) => {
            record(&shared, &partner, &path, &body, None, 200);
            let chunks = (0..size.div_ceil(8192))
                .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 8192])));
            return Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
        }
    }
    if !matches!(kind.as_str(), "share" | "orders" | "support" | "erasure") {
        return answer(
            &shared,
            &partner,
            &path,
            &body,
            None,
            404,
            "no such request",
        );
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let signed = SignedHeaders {
        content_digest: header("content-digest"),
        signature_input: header("signature-input"),
        signature: header("signature"),
    };
    let mut guard = lock(&shared);
    let state = &mut *guard;
    let target = format!("{}{path}", state.base);
    let Some(hosted) = state.partners.get_mut(&partner) else {
        drop(guard);
        return answer(
            &shared,
            &partner,
            &path,
            &body,
            None,
            404,
            "no such partner",
        );
    };
    let at = now();
    hosted
        .seen
        .retain(|_, (_, _, _, seen_at)| at - *seen_at < verify::NONCE_MEMORY_SECS);
    match verify::check(
        &target,
        &header("content-type"),
        &signed,
        &body,
        &partner,
        &hosted.seen,
        at,
    ) {
        Err(Ok((status, text))) => {
            drop(guard);
            record(&shared, &partner, &path, &body, None, status);
            (status_code(status), text).into_response()
        }
        Err(Err((status, reason))) => {
            drop(guard);
            answer(&shared, &partner, &path, &body, None, status, &reason)
        }
        Ok(checked) => {
            hosted
                .answered
                .retain(|_, (_, at_)| at - *at_ < verify::SAME_REQUEST_SECS);
            let same = (checked.household.clone(), checked.digest.clone());
            // A retry signed afresh gets the first answer; anything else is processed once.
            let text = match hosted.answered.get(&same) {
                Some((text, _)) => text.clone(),
                None => {
                    let reference = format!("{}-{}", kind, hosted.answered.len() + 1);
                    let data = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|b| b.get("data").cloned())
                        .unwrap_or_default();
                    let message = (kind == "support")
                        .then(|| crate::support::message_of(&data))
                        .flatten();
                    let text = match (kind.as_str(), message) {
                        (_, Some(Err(reason))) => {
                            drop(guard);
                            return answer(&shared, &partner, &path, &body, None, 400, reason);
                        }
                        (_, Some(Ok(_))) => {
                            let name = hosted.spec.name.clone();
                            match converse(&mut state.desk, &shared, &partner, &name, &data) {
                                Ok(reference) => serde_json::json!({
                                    "status": "accepted", "reference": reference,
                                }),
                                Err(reason) => {
                                    drop(guard);
                                    return answer(
                                        &shared, &partner, &path, &body, None, 404, reason,
                                    );
                                }
                            }
                        }
                        ("orders", _) => serde_json::json!({
                            "status": "accepted", "reference": reference,
                            "message": format!("{} will deliver your order in 2 days.", hosted.spec.name),
                        }),
                        ("erasure", _) => {
                            hosted.erased.push(checked.household.clone());
                            serde_json::json!({"status": "accepted", "reference": reference})
                        }
                        _ => serde_json::json!({"status": "accepted", "reference": reference}),
                    }
                    .to_string();
                    hosted.answered.insert(same, (text.clone(), at));
                    text
                }
            };
            hosted.seen.insert(
                (checked.household.clone(), checked.nonce),
                (checked.digest, 200, text.clone(), at),
            );
            drop(guard);
            record(
                &shared,
                &partner,
                &path,
                &body,
                Some(checked.household),
                200,
            );
            (StatusCode::OK, text).into_response()
        }
    }
}

/// Starts or continues a support conversation (section 3.5): the owner's message is kept, the
/// scripted agent answers a moment later. Returns the conversation's reference, or why not.
fn converse(
    desk: &mut crate::support::Desk,
    shared: &Arc<Mutex<Shared>>,
    partner: &str,
    name: &str,
    data: &serde_json::Value,
) -> Result<String, &'static str> {
    let reference = match data.get("conversation") {
        None | Some(serde_json::Value::Null) => {
            crate::support::new_reference().map_err(|_| "no randomness for a reference")?
        }
        Some(given) => {
            let given = given.as_str().unwrap_or_default();
            match desk.conversations.get(given) {
                Some(c) if c.partner == partner => given.to_owned(),
                _ => return Err("no such conversation"),
            }
        }
    };
    let conversation = desk.conversations.entry(reference.clone()).or_default();
    conversation.partner = partner.to_owned();
    let turn = conversation.owner_said.len();
    let message = data
        .get("message")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    conversation.owner_said.push(message.to_owned());
    let text = crate::support::agent_answer(name, data, turn);
    let agent = format!("Ana at {name}");
    let shared = Arc::clone(shared);
    let key = reference.clone();
    tokio::spawn(async move {
        tokio::time::sleep(crate::support::AGENT_DELAY).await;
        let mut guard = lock(&shared);
        let bell = Arc::clone(&guard.desk.written);
        if let Some(conversation) = guard.desk.conversations.get_mut(&key) {
            let seq = u32::try_from(conversation.replies.len() + 1).unwrap_or(u32::MAX);
            conversation.replies.push(crate::support::Reply {
                seq,
                name: agent,
                text,
                at: now(),
            });
        }
        drop(guard);
        bell.notify_waiters();
    });
    Ok(reference)
}

/// A conversation's replies after `after`, held up to `wait` seconds while there are none
/// (a long poll). Only the reference names the conversation; nothing else is asked.
async fn support_messages(
    State(shared): State<Arc<Mutex<Shared>>>,
    Path((partner, reference)): Path<(String, String)>,
    uri: axum::http::Uri,
) -> Response {
    let (after, wait) = match crate::support::parse_query(uri.query()) {
        Ok(q) => q,
        Err(reason) => {
            return (
                StatusCode::BAD_REQUEST,
                serde_json::json!({ "error": reason }).to_string(),
            )
                .into_response()
        }
    };
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let bell = Arc::clone(&lock(&shared).desk.written);
        // Asked for before looking, so a reply written in between still wakes this reader.
        let rung = bell.notified();
        tokio::pin!(rung);
        rung.as_mut().enable();
        let found = {
            let guard = lock(&shared);
            match guard.desk.conversations.get(&reference) {
                Some(c) if c.partner == partner => Some(
                    c.replies
                        .iter()
                        .filter(|r| r.seq > after)
                        .take(crate::support::MAX_MESSAGES)
                        .map(crate::support::Reply::to_json)
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            }
        };
        let Some(messages) = found else {
            return (
                StatusCode::NOT_FOUND,
                serde_json::json!({ "error": "no such conversation" }).to_string(),
            )
                .into_response();
        };
        if !messages.is_empty() || tokio::time::Instant::now() >= deadline {
            return (
                StatusCode::OK,
                serde_json::json!({ "messages": messages }).to_string(),
            )
                .into_response();
        }
        let _ = tokio::time::timeout_at(deadline, rung).await;
    }
}

fn answer(
    shared: &Mutex<Shared>,
    partner: &str,
    path: &str,
    body: &[u8],
    household: Option<String>,
    status: u16,
    reason: &str,
) -> Response {
    record(shared, partner, path, body, household, status);
    (
        status_code(status),
        serde_json::json!({ "error": reason }).to_string(),
    )
        .into_response()
}

fn record(
    shared: &Mutex<Shared>,
    partner: &str,
    path: &str,
    body: &[u8],
    household: Option<String>,
    status: u16,
) {
    lock(shared).recorded.push(Recorded {
        partner: partner.to_owned(),
        path: path.to_owned(),
        body: body.to_vec(),
        household,
        status,
        at: now(),
    });
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

//! The reference partner's support desk (docs/protocol/partner-api.md, section 3.5): a
//! conversation starts with a signed support request carrying the owner's message, is named by
//! a random 128-bit reference (a capability), and is answered by a scripted agent a moment
//! later; the phone reads replies with a plain long-polled GET.
//!
//! It must never answer a conversation to anyone but the holder of its reference, nor send
//! anything but plain text.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

/// How long the scripted agent takes to answer.
pub const AGENT_DELAY: Duration = Duration::from_millis(700);
/// The longest a reader may be held waiting for a reply.
pub const MAX_WAIT: Duration = Duration::from_secs(25);
/// At most this many messages per answer.
pub const MAX_MESSAGES: usize = 20;

/// One message of the partner's side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub seq: u32,
    pub name: String,
    pub text: String,
    pub at: i64,
}

impl Reply {
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "seq": self.seq, "from": "agent", "name": self.name, "text": self.text, "at": self.at,
        })
    }
}

/// One conversation: whose it is, what the owner said, what the agent answered.
#[derive(Debug, Default)]
pub struct Conversation {
    pub partner: String,
    pub owner_said: Vec<String>,
    pub replies: Vec<Reply>,
}

/// Every conversation, and a bell that rings when a reply is written.
#[derive(Default)]
pub struct Desk {
    pub conversations: HashMap<String, Conversation>,
    pub written: Arc<Notify>,
}

/// A new conversation's reference: 128 random bits, hex.
pub fn new_reference() -> std::io::Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The owner's message from a support request's data, if it carries one: 1–1000 characters.
pub fn message_of(data: &Value) -> Option<Result<&str, &'static str>> {
    let message = data.get("message")?;
    Some(match message.as_str() {
        Some(text) if !text.trim().is_empty() && text.chars().count() <= 1_000 => Ok(text),
        _ => Err("a support message is 1 to 1000 characters of text"),
    })
}

/// What the scripted agent answers to the owner's `turn`-th message (0 for the first).
pub fn agent_answer(partner_name: &str, data: &Value, turn: usize) -> String {
    let message = data
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase();
    if turn == 0 {
        let mut text = format!("Hello, this is Ana at {partner_name} support. ");
        if message.contains("menu") {
            text.push_str(
                "If the disc menu does not come up, press Stop twice and then Menu: some discs \
                 only show their menu after the trailers. Does that bring it up?",
            );
        } else {
            text.push_str(
                "I am sorry the guide did not help. What does the screen show right now?",
            );
        }
        if let Some(diagnostics) = data.get("diagnostics") {
            let firmware = diagnostics
                .get("firmware")
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            text.push_str(&format!(
                " I can see your device's diagnostics (firmware {firmware}); nothing looks wrong there."
            ));
        }
        text
    } else if ["yes", "works", "thank"]
        .iter()
        .any(|w| message.contains(w))
    {
        "Glad it works now! Write again any time.".to_owned()
    } else {
        "Thanks. Let us try a restart: hold Power for 10 seconds until the light blinks, then \
         switch it on again, and tell me how it goes."
            .to_owned()
    }
}

/// The `after` and `wait` of a replies query (`after=3&wait=20`); missing ones are 0.
pub fn parse_query(query: Option<&str>) -> Result<(u32, Duration), &'static str> {
    let mut after = 0;
    let mut wait = Duration::ZERO;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        match pair.split_once('=') {
            Some(("after", n)) => after = n.parse().map_err(|_| "after is a number")?,
            Some(("wait", n)) => {
                let seconds: u64 = n.parse().map_err(|_| "wait is a number of seconds")?;
                wait = Duration::from_secs(seconds).min(MAX_WAIT);
            }
            _ => return Err("only after and wait are understood"),
        }
    }
    Ok((after, wait))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_128_bit_hex_and_differ() {
        let a = new_reference().expect("random");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_reference().expect("random"));
    }

    #[test]
    fn messages_are_checked_and_the_agent_answers_from_what_it_was_told() {
        let data = serde_json::json!({"message": "The menu never shows"});
        assert_eq!(message_of(&data), Some(Ok("The menu never shows")));
        assert!(matches!(
            message_of(&serde_json::json!({"message": ""})),
            Some(Err(_))
        ));
        assert!(matches!(
            message_of(&serde_json::json!({"message": "x".repeat(1_001)})),
            Some(Err(_))
        ));
        assert_eq!(message_of(&serde_json::json!({"diagnostics": {}})), None);
        let first = agent_answer("Lumaview", &data, 0);
        assert!(first.starts_with("Hello, this is Ana at Lumaview support."));
        assert!(first.contains("press Stop twice"));
        assert!(
            agent_answer("Lumaview", &serde_json::json!({"message": "yes, works"}), 1)
                .starts_with("Glad")
        );
    }

    #[test]
    fn queries_are_read_strictly_and_waits_bounded() {
        assert_eq!(parse_query(None), Ok((0, Duration::ZERO)));
        assert_eq!(parse_query(Some("after=3&wait=99")), Ok((3, MAX_WAIT)));
        assert!(parse_query(Some("after=x")).is_err());
        assert!(parse_query(Some("sort=desc")).is_err());
    }
}

//! Support conversations with a maker ("Ask the maker", docs/protocol/partner-api.md section
//! 3.5): the owner's message as it is sent, the conversation reference a partner gives (a
//! capability), and the partner's replies as they are read, checked strictly.
//!
//! It must never accept partner text that is not plain text within its limits, nor a reference
//! that could smuggle anything into a URL.

/// The longest message the owner sends.
pub const MAX_MESSAGE_CHARS: usize = 1_000;
/// The longest reply text and agent name accepted.
pub const MAX_REPLY_CHARS: usize = 2_000;
pub const MAX_NAME_CHARS: usize = 60;
/// At most this many replies per read.
pub const MAX_REPLIES: usize = 20;
/// The largest replies answer read.
pub const MAX_REPLIES_BYTES: usize = 64 * 1024;

/// One reply from the partner's support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub seq: u32,
    pub name: String,
    pub text: String,
    pub at: i64,
}

/// Why a partner's answer was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupportError {
    #[error("the partner's replies are not the expected JSON: {0}")]
    Shape(String),
    #[error("the partner's reply is not plain text within its limits")]
    Text,
    #[error("the partner's replies are out of order")]
    Order,
    #[error("the partner's conversation reference is not one Steward accepts")]
    Reference,
}

/// The owner's message, checked: 1 to 1000 characters with something visible, no control
/// characters but line breaks and tabs.
pub fn message(raw: &str) -> crate::Result<String> {
    let text = raw.trim();
    if text.is_empty() || !crate::text::has_visible(text) {
        return Err(crate::text::invalid(
            "Message",
            "write something for the maker",
        ));
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(crate::text::invalid("Message", "at most 1000 characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err(crate::text::invalid(
            "Message",
            "only text (no control characters)",
        ));
    }
    Ok(text.to_owned())
}

/// A conversation reference as a partner gave it: 22 to 80 characters of `A–Z a–z 0–9 - _`.
pub fn reference(raw: &str) -> Result<String, SupportError> {
    let ok = (22..=80).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| raw.to_owned()).ok_or(SupportError::Reference)
}

/// Reads a replies answer: only agent messages after `after`, increasing, plain text.
pub fn parse_replies(bytes: &[u8], after: u32) -> Result<Vec<Reply>, SupportError> {
    if bytes.len() > MAX_REPLIES_BYTES {
        return Err(SupportError::Shape("too large".into()));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| SupportError::Shape(e.to_string()))?;
    let object = value
        .as_object()
        .filter(|o| o.len() == 1)
        .ok_or_else(|| SupportError::Shape("an object with only `messages`".into()))?;
    let list = object
        .get("messages")
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| SupportError::Shape("`messages` is a list".into()))?;
    if list.len() > MAX_REPLIES {
        return Err(SupportError::Shape("more than 20 messages".into()));
    }
    let mut last = after;
    let mut out = Vec::with_capacity(list.len());
    for item in list {
        let fields = item
            .as_object()
            .filter(|o| {
                o.len() == 5
                    && ["seq", "from", "name", "text", "at"]
                        .iter()
                        .all(|k| o.contains_key(*k))
            })
            .ok_or_else(|| SupportError::Shape("a message has seq, from, name, text, at".into()))?;
        let seq = fields["seq"]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| SupportError::Shape("seq is a number".into()))?;
        if seq <= last {
            return Err(SupportError::Order);
        }
        last = seq;
        if fields["from"].as_str() != Some("agent") {
            return Err(SupportError::Shape("from is agent".into()));
        }
        let name = plain(fields["name"].as_str(), MAX_NAME_CHARS, false)?;
        let text = plain(fields["text"].as_str(), MAX_REPLY_CHARS, true)?;
        let at = fields["at"]
            .as_i64()
            .ok_or_else(|| SupportError::Shape("at is a number".into()))?;
        out.push(Reply {
            seq,
            name,
            text,
            at,
        });
    }
    Ok(out)
}

/// Partner text: present, within `max` characters, no control characters (line breaks only
/// where `lines`), no bidirectional overrides that could reorder what the owner reads.
fn plain(text: Option<&str>, max: usize, lines: bool) -> Result<String, SupportError> {
    let text = text.ok_or(SupportError::Text)?;
    let bad = |c: char| {
        (c.is_control() && !(lines && c == '\n'))
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if text.trim().is_empty() || text.chars().count() > max || text.chars().any(bad) {
        return Err(SupportError::Text);
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(seq: u32, text: &str) -> serde_json::Value {
        serde_json::json!({"seq": seq, "from": "agent", "name": "Ana at Lumaview", "text": text, "at": 1})
    }

    #[test]
    fn replies_are_read_in_order_as_plain_text() {
        let body = serde_json::json!({"messages": [reply(1, "Hello"), reply(2, "Try Stop twice.\nThen Menu.")]});
        let got = parse_replies(body.to_string().as_bytes(), 0).expect("read");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].text, "Try Stop twice.\nThen Menu.");
        assert!(parse_replies(br#"{"messages": []}"#, 5)
            .expect("none")
            .is_empty());
    }

    #[test]
    fn hostile_replies_are_refused() {
        for (body, after) in [
            (
                serde_json::json!({"messages": [reply(1, "a"), reply(1, "b")]}),
                0,
            ),
            (serde_json::json!({"messages": [reply(3, "old")]}), 3),
            (
                serde_json::json!({"messages": [reply(1, "\u{202e}evil")]}),
                0,
            ),
            (serde_json::json!({"messages": [reply(1, "bell\u{7}")]}), 0),
            (
                serde_json::json!({"messages": [reply(1, &"x".repeat(2_001))]}),
                0,
            ),
            (serde_json::json!({"messages": [reply(1, "   ")]}), 0),
            (
                serde_json::json!({"messages": [{"seq": 1, "from": "owner", "name": "x", "text": "y", "at": 1}]}),
                0,
            ),
            (
                serde_json::json!({"messages": [{"seq": 1, "from": "agent", "name": "x", "text": "y", "at": 1, "html": "<b>"}]}),
                0,
            ),
            (
                serde_json::json!({"messages": [], "next": "http://elsewhere"}),
                0,
            ),
            (
                serde_json::json!({"messages": (1..=21).map(|n| reply(n, "x")).collect::<Vec<_>>()}),
                0,
            ),
        ] {
            assert!(
                parse_replies(body.to_string().as_bytes(), after).is_err(),
                "{body}"
            );
        }
        assert!(parse_replies(b"not json", 0).is_err());
        assert!(parse_replies(&vec![b' '; MAX_REPLIES_BYTES + 1], 0).is_err());
    }

    #[test]
    fn references_and_messages_are_checked() {
        assert!(reference("0123456789abcdef0123456789abcdef").is_ok());
        for bad in [
            "short",
            "../../etc/passwd-0123456789",
            "a b c d e f g h i j k l m",
            &"a".repeat(81),
        ] {
            assert!(reference(bad).is_err(), "{bad}");
        }
        assert_eq!(
            message("  The menu never shows \n").expect("ok"),
            "The menu never shows"
        );
        assert!(message("   ").is_err());
        assert!(message(&"x".repeat(1_001)).is_err());
        assert!(message("ring\u{7}").is_err());
    }
}

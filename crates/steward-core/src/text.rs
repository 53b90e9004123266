//! Free text from the owner or a device, checked before it is stored: trimmed, bounded, and free
//! of control and invisible formatting characters that make text display differently from what
//! it says. Markup is ordinary text here; the UI never renders stored text as HTML. This is the
//! one validator: every name that enters (household, consumable, shopping item, device) goes
//! through [`is_forbidden`] and [`has_visible`].
//!
//! It must never silently alter what it keeps beyond trimming: text is accepted as given or
//! refused with a reason.

use crate::{Error, Result};

/// Validates a required piece of text of at most `max_chars` characters.
pub fn required(field: &'static str, raw: &str, max_chars: usize) -> Result<String> {
    let text = raw.trim();
    check(field, text, max_chars)?;
    if !has_visible(text) {
        return Err(invalid(field, "needs at least one visible character"));
    }
    Ok(text.to_owned())
}

/// Validates optional text: blank means none.
pub fn optional(
    field: &'static str,
    raw: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => {
            check(field, text, max_chars)?;
            if !has_visible(text) {
                return Err(invalid(
                    field,
                    "needs at least one visible character, or none at all",
                ));
            }
            Ok(Some(text.to_owned()))
        }
    }
}

fn check(field: &'static str, text: &str, max_chars: usize) -> Result<()> {
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(invalid(
            field,
            format!("can be at most {max_chars} characters (this has {chars})"),
        ));
    }
    if let Some(c) = text.chars().find(|c| is_forbidden(*c)) {
        return Err(invalid(field, forbidden_reason(c)));
    }
    Ok(())
}

/// Why `c` is refused, for the owner.
pub fn forbidden_reason(c: char) -> String {
    format!(
        "cannot contain the invisible or control character U+{:04X}",
        u32::from(c)
    )
}

/// Characters that make text display differently from what it says, or hide text: controls
/// (line breaks and tabs included), the bidirectional marks, embeddings, overrides and isolates,
/// the line and paragraph separators, the zero-width space and byte-order mark, and the tag
/// characters. Zero-width joiners and non-joiners stay: emoji sequences and Persian need them.
pub fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Whether `text` has a character that shows: not only spaces, joiners and the blank-looking
/// fillers some scripts have (Hangul fillers, the braille blank, the Mongolian vowel separator).
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '\u{200C}'
                    | '\u{200D}'
                    | '\u{2800}'
                    | '\u{3164}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{FFA0}'
                    | '\u{180E}'
            )
            && !is_forbidden(c)
    })
}

/// Validates a whole number the owner typed, within `min..=max`.
pub fn quantity(field: &'static str, value: i64, min: u32, max: u32) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|v| (min..=max).contains(v))
        .ok_or_else(|| invalid(field, format!("must be between {min} and {max}")))
}

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ordinary_text_and_markup_as_text() {
        assert_eq!(
            required("name", "  Pain de mie  ", 40).expect("ok"),
            "Pain de mie"
        );
        assert_eq!(
            required("name", "<img src=x onerror=alert(1)>", 40).expect("ok"),
            "<img src=x onerror=alert(1)>",
            "markup is stored as the text it is"
        );
    }

    #[test]
    fn refuses_blank_long_and_hostile_text() {
        assert!(required("name", " \t", 10).is_err());
        assert!(required("name", &"x".repeat(11), 10).is_err());
        assert!(
            required("name", &"é".repeat(10), 10).is_ok(),
            "characters, not bytes"
        );
        for hostile in [
            "a\u{0}b",
            "a\nb",
            "Soap\u{202E}gnp.exe",
            "\u{200B}",
            "Soap\u{200E}",
            "Soap\u{200F}",
            "a\u{2028}b",
            "a\u{2029}b",
            "Soap\u{2066}x\u{2069}",
            "Soap\u{E0041}\u{E007F}",
            "\u{061C}x",
        ] {
            let err = required("name", hostile, 40).expect_err(hostile);
            assert!(err.to_string().starts_with("name: "), "{err}");
        }
        for blank in [
            "\u{3000}\u{00A0}",
            "\u{2800}",
            "\u{3164}\u{3164}",
            "\u{200D}",
            " \u{FFA0} ",
        ] {
            assert!(
                required("name", blank, 40).is_err(),
                "{blank:?} shows nothing"
            );
        }
        assert!(
            required("name", "The 👨\u{200D}👩\u{200D}👧 home", 40).is_ok(),
            "joiners in emoji stay"
        );
    }

    #[test]
    fn blank_optional_text_is_none() {
        assert_eq!(optional("note", Some("  "), 10).expect("ok"), None);
        assert_eq!(optional("note", None, 10).expect("ok"), None);
        assert_eq!(
            optional("note", Some(" x "), 10).expect("ok").as_deref(),
            Some("x")
        );
        assert!(optional("note", Some("a\u{7}"), 10).is_err());
    }

    #[test]
    fn quantities_are_bounded() {
        assert_eq!(quantity("quantity", 40, 1, 1000).expect("ok"), 40);
        for bad in [0, -1, 1001, i64::MAX, i64::MIN] {
            assert!(quantity("quantity", bad, 1, 1000).is_err(), "{bad}");
        }
    }
}

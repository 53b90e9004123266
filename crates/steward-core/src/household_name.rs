//! The household's display name: the one piece of free text the skeleton stores, validated here
//! so that odd or hostile text never reaches the database or the UI unchecked.

use crate::{Error, Result};

/// The longest name accepted, in characters; enough for "The Okonkwo-Halvorsen family home".
pub const MAX_CHARS: usize = 60;

/// A validated household name: trimmed, non-empty, at most [`MAX_CHARS`] characters, with no
/// control or invisible formatting characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdName(String);

impl HouseholdName {
    /// Validates `raw` as typed by the owner.
    pub fn parse(raw: &str) -> Result<Self> {
        let name = raw.trim();
        if !crate::text::has_visible(name) {
            return Err(invalid("a name needs at least one visible character"));
        }
        let chars = name.chars().count();
        if chars > MAX_CHARS {
            return Err(invalid(format!(
                "a name can be at most {MAX_CHARS} characters (this one has {chars})"
            )));
        }
        if let Some(c) = name.chars().find(|c| crate::text::is_forbidden(*c)) {
            return Err(invalid(format!(
                "a name {}",
                crate::text::forbidden_reason(c)
            )));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field: "household name",
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_ordinary_names() {
        let name =
            HouseholdName::parse("  Casa Río  ").expect("a plain name with accents is valid");
        assert_eq!(
            name.as_str(),
            "Casa Río",
            "surrounding blanks are trimmed, accents kept"
        );
    }

    #[test]
    fn refuses_blank_names() {
        assert!(
            HouseholdName::parse(" \t ").is_err(),
            "only whitespace must not become an invisible name"
        );
    }

    #[test]
    fn refuses_names_longer_than_the_limit() {
        let at_limit = "é".repeat(MAX_CHARS);
        assert!(
            HouseholdName::parse(&at_limit).is_ok(),
            "the limit counts characters, not bytes"
        );
        let err = HouseholdName::parse(&"a".repeat(MAX_CHARS + 1)).unwrap_err();
        assert!(
            err.to_string().contains("at most 60"),
            "the reason names the limit: {err}"
        );
    }

    #[test]
    fn refuses_control_and_bidi_override_characters() {
        for hostile in ["Home\u{0}", "Ho\nme", "Home\u{202E}gnp.exe", "\u{200B}x"] {
            assert!(
                HouseholdName::parse(hostile).is_err(),
                "{hostile:?} must be refused: it displays differently from what it stores"
            );
        }
    }

    #[test]
    fn markup_is_kept_as_plain_text() {
        let name = HouseholdName::parse("<b>Home</b>").expect("angle brackets are ordinary text");
        assert_eq!(
            name.as_str(),
            "<b>Home</b>",
            "the core stores text; the UI never renders it as HTML"
        );
    }
}

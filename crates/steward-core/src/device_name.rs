//! A device's display name, from what it advertises over the air: untrusted text, so it is
//! cleaned (control and invisible formatting characters removed, length capped) and replaced by
//! the kind's label when nothing printable is left.

/// The longest name kept, in characters.
pub const MAX_CHARS: usize = 32;

/// A cleaned device name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceName(String);

impl DeviceName {
    /// Cleans `advertised`; falls back to `fallback` (such as "Light") when it is absent or empty.
    pub fn from_advertised(advertised: Option<&str>, fallback: &str) -> Self {
        let cleaned: String = advertised
            .unwrap_or_default()
            .chars()
            .filter(|c| !crate::text::is_forbidden(*c))
            .take(MAX_CHARS)
            .collect();
        let trimmed = cleaned.trim();
        Self(if !crate::text::has_visible(trimmed) {
            fallback.to_owned()
        } else {
            trimmed.to_owned()
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ordinary_names_and_cleans_hostile_ones() {
        assert_eq!(
            DeviceName::from_advertised(Some("Kitchen light"), "Light").as_str(),
            "Kitchen light"
        );
        assert_eq!(
            DeviceName::from_advertised(Some("Lamp\u{0}\n\u{202E}"), "Light").as_str(),
            "Lamp"
        );
        assert_eq!(
            DeviceName::from_advertised(Some("  \u{200B} "), "Light").as_str(),
            "Light",
            "nothing printable left"
        );
        assert_eq!(
            DeviceName::from_advertised(Some("Lamp\u{200F}\u{2028}\u{E0041}"), "Light").as_str(),
            "Lamp",
            "bidi marks, separators and tag characters are stripped"
        );
        assert_eq!(
            DeviceName::from_advertised(Some("\u{3164}\u{2800}"), "Light").as_str(),
            "Light",
            "blank-looking fillers are not a name"
        );
        assert_eq!(
            DeviceName::from_advertised(None, "Toaster").as_str(),
            "Toaster"
        );
        assert_eq!(
            DeviceName::from_advertised(Some(&"x".repeat(100)), "Light")
                .as_str()
                .chars()
                .count(),
            MAX_CHARS
        );
        assert_eq!(
            DeviceName::from_advertised(Some("<script>"), "Light").as_str(),
            "<script>",
            "markup stays text"
        );
    }
}

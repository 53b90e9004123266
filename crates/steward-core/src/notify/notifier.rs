//! The narrow trait the platform's notification service sits behind (Android's and iOS's through
//! tauri-plugin-notification, the desktop's org.freedesktop.Notifications), and what a shown
//! notification carries: a stable id per collapse key (so an update replaces the one it updates),
//! its channel, the owner's words, and where a tap leads in the app.
//!
//! It must never decide anything: the policy decides, this only delivers.

use super::Channel;

/// Whether Steward may notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Granted,
    /// The owner refused (or switched Steward's notifications off in the system's settings).
    Denied,
    /// Not asked yet: the system asks the owner the first time.
    Ask,
}

/// One notification, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The same for every notification of one collapse key: a newer one replaces the older.
    pub id: i32,
    pub channel: Channel,
    pub title: String,
    pub body: String,
    /// Where a tap leads (see [`Target`]), as text the platform carries back.
    pub open: String,
}

/// Why a notification could not be delivered.
#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    #[error("notifications are not allowed for Steward")]
    NotAllowed,
    #[error("the notification service refused it: {0}")]
    Service(String),
}

/// The platform's notification service.
pub trait Notifier: Send + Sync {
    /// Whether Steward may notify, without asking.
    fn permission(&self) -> Permission;
    /// Asks the owner through the system's dialog. Only called once the owner said, in the app,
    /// that they want notifications (never at start).
    fn request_permission(&self) -> Permission;
    /// Shows it, replacing the one with the same id if it is still on screen.
    fn show(&self, notification: &Notification) -> Result<(), NotifierError>;
    /// Takes it off the screen, if it is there.
    fn close(&self, id: i32);
}

/// The notification id for a collapse key: stable across runs and platforms (FNV-1a, kept
/// positive, as Android wants).
pub fn notification_id(collapse_key: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in collapse_key.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    // Never 0: some services read 0 as "no id".
    i32::try_from(hash & 0x7fff_ffff).unwrap_or(1).max(1)
}

/// Where a tapped notification leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A partner's offer or guide, by kind (`offer`, `tutorial`), partner and item.
    Item {
        kind: String,
        partner_id: String,
        item_id: String,
    },
    /// A consumable's page (a device alert or a reminder about it).
    Consumable(i64),
    /// A device's page.
    Device(String),
}

impl Target {
    /// As carried by the platform: `offer/sudsy/soap-15`, `consumable/3`, `device/ab12`.
    pub fn encode(&self) -> String {
        match self {
            Target::Item {
                kind,
                partner_id,
                item_id,
            } => format!("{kind}/{partner_id}/{item_id}"),
            Target::Consumable(id) => format!("consumable/{id}"),
            Target::Device(id) => format!("device/{id}"),
        }
    }

    /// Reads what [`encode`](Self::encode) wrote; anything else (a notification from an older
    /// build, a tampered payload) is `None`, never a guess.
    pub fn decode(raw: &str) -> Option<Self> {
        if raw.len() > 512 {
            return None;
        }
        let mut parts = raw.splitn(3, '/');
        let kind = parts.next()?;
        let first = parts.next()?;
        let rest = parts.next();
        let plain = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        };
        match (kind, rest) {
            ("offer" | "tutorial", Some(item)) if plain(first) && plain(item) => {
                Some(Target::Item {
                    kind: kind.to_owned(),
                    partner_id: first.to_owned(),
                    item_id: item.to_owned(),
                })
            }
            ("consumable", None) => first.parse().ok().map(Target::Consumable),
            ("device", None) if plain(first) => Some(Target::Device(first.to_owned())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_positive_and_differ_by_key() {
        assert_eq!(notification_id("sudsy/soap"), notification_id("sudsy/soap"));
        assert_ne!(
            notification_id("sudsy/soap"),
            notification_id("sudsy/bread")
        );
        for key in ["", "a", "lumaview/guide-remote", "ä€𝄞"] {
            assert!(notification_id(key) > 0, "{key}");
        }
    }

    #[test]
    fn targets_round_trip_and_odd_text_is_refused() {
        for target in [
            Target::Item {
                kind: "tutorial".into(),
                partner_id: "lumaview".into(),
                item_id: "remote-setup".into(),
            },
            Target::Consumable(3),
            Target::Device("a1b2".into()),
        ] {
            assert_eq!(Target::decode(&target.encode()), Some(target));
        }
        for odd in [
            "",
            "offer/sudsy",
            "offer//x",
            "offer/sudsy/<script>",
            "consumable/three",
            "consumable/3/4",
            "settings/x",
            "device/a b",
            &"offer/a/".repeat(100),
        ] {
            assert_eq!(Target::decode(odd), None, "{odd}");
        }
    }
}

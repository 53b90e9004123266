//! Grants: the owner's yes to one partner × category × purpose, optionally narrowed to one
//! subject (one consumable, one device), for a limited time. Deny is the default: no grant, no
//! data. A grant is live from when it was given until it expires or is withdrawn; the owner is
//! asked again in the month before it lapses.

use super::{Category, PartnerId, Purpose};

/// How long a grant lasts unless the owner chooses otherwise: 13 months (396 days).
pub const DEFAULT_LIFETIME_SECS: i64 = 396 * 86_400;
/// How long before expiry the owner is asked again.
pub const RENEWAL_WINDOW_SECS: i64 = 30 * 86_400;

/// What a grant covers within its category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantScope {
    /// Everything in the category.
    All,
    /// One subject only, e.g. `consumable:12` (soap, not every consumable) or `device:<id>`.
    Subject(String),
}

impl GrantScope {
    /// The stored form: empty for all.
    pub fn as_stored(&self) -> &str {
        match self {
            GrantScope::All => "",
            GrantScope::Subject(subject) => subject,
        }
    }

    pub fn from_stored(raw: &str) -> Self {
        if raw.is_empty() {
            GrantScope::All
        } else {
            GrantScope::Subject(raw.to_owned())
        }
    }

    /// Whether data about `subject` (`None`: about the household as a whole) is covered.
    pub fn covers(&self, subject: Option<&str>) -> bool {
        match self {
            GrantScope::All => true,
            GrantScope::Subject(only) => subject == Some(only.as_str()),
        }
    }
}

/// A grant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub partner: PartnerId,
    pub category: Category,
    pub purpose: Purpose,
    pub scope: GrantScope,
    pub granted_at: i64,
    pub expires_at: i64,
    /// The receipt that recorded it.
    pub receipt_id: String,
}

impl Grant {
    pub fn is_live(&self, now: i64) -> bool {
        self.granted_at <= now && now < self.expires_at
    }

    /// Live, but within a month of lapsing: the owner should be asked again.
    pub fn needs_renewal(&self, now: i64) -> bool {
        self.is_live(now) && self.expires_at - now <= RENEWAL_WINDOW_SECS
    }

    /// Whether this grant lets `partner` receive `category` about `subject` for `purpose` now.
    pub fn allows(
        &self,
        partner: &PartnerId,
        category: Category,
        purpose: Purpose,
        subject: Option<&str>,
        now: i64,
    ) -> bool {
        &self.partner == partner
            && self.category == category
            && self.purpose == purpose
            && self.scope.covers(subject)
            && self.is_live(now)
    }
}

/// Whether any of `grants` allows it: the one rule every disclosure is checked against.
pub fn allowed<'g>(
    grants: &'g [Grant],
    partner: &PartnerId,
    category: Category,
    purpose: Purpose,
    subject: Option<&str>,
    now: i64,
) -> Option<&'g Grant> {
    grants
        .iter()
        .find(|g| g.allows(partner, category, purpose, subject, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(scope: GrantScope) -> Grant {
        Grant {
            partner: PartnerId::parse("sudsy").expect("id"),
            category: Category::ConsumableLevels,
            purpose: Purpose::ReorderDelivery,
            scope,
            granted_at: 1_000,
            expires_at: 1_000 + DEFAULT_LIFETIME_SECS,
            receipt_id: "r".into(),
        }
    }

    #[test]
    fn a_grant_covers_exactly_its_partner_category_purpose_scope_and_time() {
        let sudsy = PartnerId::parse("sudsy").expect("id");
        let bready = PartnerId::parse("bready").expect("id");
        let g = grant(GrantScope::All);
        let (c, p) = (Category::ConsumableLevels, Purpose::ReorderDelivery);
        assert!(g.allows(&sudsy, c, p, Some("consumable:1"), 2_000));
        assert!(!g.allows(&bready, c, p, None, 2_000), "another partner");
        assert!(!g.allows(&sudsy, Category::UsagePatterns, p, None, 2_000));
        assert!(!g.allows(&sudsy, c, Purpose::PersonalisedOffers, None, 2_000));
        assert!(!g.allows(&sudsy, c, p, None, 999), "before it was given");
        assert!(!g.allows(&sudsy, c, p, None, g.expires_at), "expired");
        let soap_only = grant(GrantScope::Subject("consumable:1".into()));
        assert!(soap_only.allows(&sudsy, c, p, Some("consumable:1"), 2_000));
        assert!(!soap_only.allows(&sudsy, c, p, Some("consumable:2"), 2_000));
        assert!(!soap_only.allows(&sudsy, c, p, None, 2_000));
        assert!(
            allowed(&[], &sudsy, c, p, None, 2_000).is_none(),
            "deny by default"
        );
    }

    #[test]
    fn the_owner_is_asked_again_in_the_last_month() {
        let g = grant(GrantScope::All);
        assert!(!g.needs_renewal(2_000));
        assert!(g.needs_renewal(g.expires_at - RENEWAL_WINDOW_SECS));
        assert!(!g.needs_renewal(g.expires_at), "lapsed, not renewable");
    }
}

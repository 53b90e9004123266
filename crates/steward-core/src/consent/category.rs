//! The categories of household data a partner may ask for. Closed: a partner card naming a
//! category Steward does not know is refused, never mapped to the nearest one.

use crate::text::invalid;
use crate::Result;

/// A category of the household's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Which devices the household owns (model, maker).
    DevicesOwned,
    /// How much of a consumable is left, and its forecast.
    ConsumableLevels,
    /// When and how much the household uses things.
    UsagePatterns,
    /// What the household bought, and when.
    PurchaseHistory,
    /// Which store or area the owner is in; never a position.
    CoarseLocation,
    /// The owner's position.
    PreciseLocation,
    /// A device's model, firmware, battery and recent errors.
    DeviceDiagnostics,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::DevicesOwned,
        Category::ConsumableLevels,
        Category::UsagePatterns,
        Category::PurchaseHistory,
        Category::CoarseLocation,
        Category::PreciseLocation,
        Category::DeviceDiagnostics,
    ];

    /// The name on the wire and in the store.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::DevicesOwned => "devices-owned",
            Category::ConsumableLevels => "consumable-levels",
            Category::UsagePatterns => "usage-patterns",
            Category::PurchaseHistory => "purchase-history",
            Category::CoarseLocation => "coarse-location",
            Category::PreciseLocation => "precise-location",
            Category::DeviceDiagnostics => "device-diagnostics",
        }
    }

    /// What the owner reads.
    pub const fn label(self) -> &'static str {
        match self {
            Category::DevicesOwned => "Devices you own",
            Category::ConsumableLevels => "Supply levels",
            Category::UsagePatterns => "How you use things",
            Category::PurchaseHistory => "What you bought",
            Category::CoarseLocation => "Which store or area you are in",
            Category::PreciseLocation => "Your exact position",
            Category::DeviceDiagnostics => "Device diagnostics",
        }
    }

    /// Whether the category is sensitive in the receipt's sense (a position can locate a person).
    pub const fn sensitive(self) -> bool {
        matches!(self, Category::PreciseLocation)
    }

    pub fn parse(raw: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| {
                invalid(
                    "category",
                    format!("{raw:?} is not a category Steward knows"),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()).expect("known"), c);
        }
        assert!(Category::parse("everything").is_err());
        assert!(Category::parse("Consumable-Levels").is_err());
    }
}

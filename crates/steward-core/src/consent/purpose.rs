//! What a partner may use data for. A grant names one purpose: a level shared for a reorder the
//! owner started is not thereby shared for offers.

use crate::text::invalid;
use crate::Result;

/// A purpose of processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Purpose {
    /// Offers chosen for this household.
    PersonalisedOffers,
    /// A reorder or delivery the owner starts.
    ReorderDelivery,
    /// Tutorials and support.
    TutorialsSupport,
    /// Improving the partner's products.
    ProductImprovement,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::PersonalisedOffers,
        Purpose::ReorderDelivery,
        Purpose::TutorialsSupport,
        Purpose::ProductImprovement,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Purpose::PersonalisedOffers => "personalised-offers",
            Purpose::ReorderDelivery => "reorder-delivery",
            Purpose::TutorialsSupport => "tutorials-support",
            Purpose::ProductImprovement => "product-improvement",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Purpose::PersonalisedOffers => "Offers for you",
            Purpose::ReorderDelivery => "Reorders and delivery you start",
            Purpose::TutorialsSupport => "Tutorials and support",
            Purpose::ProductImprovement => "Improving their products",
        }
    }

    /// The Kantara receipt's purpose category for this purpose (its Appendix list).
    pub const fn receipt_category(self) -> &'static str {
        match self {
            Purpose::PersonalisedOffers => "Marketing",
            Purpose::ReorderDelivery => "Core Function",
            Purpose::TutorialsSupport => "Contracted Service",
            Purpose::ProductImprovement => "Improve Performance",
        }
    }

    pub fn parse(raw: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == raw)
            .ok_or_else(|| invalid("purpose", format!("{raw:?} is not a purpose Steward knows")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::parse(p.as_str()).expect("known"), p);
        }
        assert!(Purpose::parse("anything").is_err());
    }
}

//! The partners of the brief (../shared/BRIEF.md): the soap maker, the bread brand and its
//! competitor, the Blu-ray maker and a store chain, with what each may ask for.

use steward_core::consent::{Category as C, Purpose as P};

use crate::PartnerSpec;

pub fn brief_partners() -> Vec<PartnerSpec> {
    vec![
        PartnerSpec::new(
            "sudsy",
            "Sudsy",
            &["Sudsy"],
            &["Sudsy Dispenser SD-40"],
            &[
                (C::ConsumableLevels, P::ReorderDelivery),
                (C::ConsumableLevels, P::PersonalisedOffers),
                (C::UsagePatterns, P::ProductImprovement),
                (C::DeviceDiagnostics, P::TutorialsSupport),
            ],
        ),
        PartnerSpec::new(
            "crumb",
            "Crumb & Co.",
            &["Crumb & Co."],
            &["Crumb Toaster T2"],
            &[
                (C::ConsumableLevels, P::PersonalisedOffers),
                (C::PurchaseHistory, P::PersonalisedOffers),
                (C::DeviceDiagnostics, P::TutorialsSupport),
            ],
        ),
        PartnerSpec::new(
            "goldcrust",
            "Goldcrust Bakery",
            &["Goldcrust"],
            &[],
            &[(C::CoarseLocation, P::PersonalisedOffers)],
        ),
        PartnerSpec::new(
            "lumaview",
            "Lumaview",
            &["Lumaview"],
            &["Lumaview BD-7"],
            &[
                (C::DevicesOwned, P::TutorialsSupport),
                (C::DeviceDiagnostics, P::TutorialsSupport),
            ],
        ),
        PartnerSpec::new(
            "cornerway",
            "Cornerway Stores",
            &["Cornerway"],
            &[],
            &[
                (C::CoarseLocation, P::PersonalisedOffers),
                (C::PreciseLocation, P::PersonalisedOffers),
                (C::PurchaseHistory, P::PersonalisedOffers),
            ],
        ),
    ]
}

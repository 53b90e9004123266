//! The owner's notification settings: the daily offer budget across brands, the cap per brand,
//! quiet hours, and which channels may notify. Defaults are quiet on purpose.

use crate::text::invalid;
use crate::Result;

/// The owner's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Offers shown per day, across every brand.
    pub daily_offer_budget: u32,
    /// Offers shown per day from any one brand.
    pub per_brand_cap: u32,
    /// Quiet hours, local minutes after midnight, from (inclusive) to (exclusive); may wrap.
    pub quiet: Option<(u16, u16)>,
    /// Reminders, tutorials and offers may each be switched off (they then wait in the inbox);
    /// device alerts cannot be.
    pub reminders: bool,
    pub tutorials: bool,
    pub offers: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            daily_offer_budget: 3,
            per_brand_cap: 1,
            quiet: Some((22 * 60, 7 * 60)),
            reminders: true,
            tutorials: true,
            offers: true,
        }
    }
}

impl Settings {
    /// Checks values the owner set: a budget of at most 20 a day, a cap no higher than the
    /// budget, quiet hours within the day.
    pub fn check(&self) -> Result<()> {
        if self.daily_offer_budget > 20 {
            return Err(invalid("Offers a day", "at most 20"));
        }
        if self.per_brand_cap > self.daily_offer_budget {
            return Err(invalid(
                "Offers a day from one brand",
                "no more than offers a day in all",
            ));
        }
        if let Some((from, until)) = self.quiet {
            if from >= 1_440 || until >= 1_440 || from == until {
                return Err(invalid(
                    "Quiet hours",
                    "a start and an end within the day, not the same time",
                ));
            }
        }
        Ok(())
    }
}

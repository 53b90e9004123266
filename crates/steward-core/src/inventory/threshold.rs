//! When a consumable goes on the shopping list: whenever its stock is at or below the owner's
//! threshold ("low means listed"), at every moment its level is looked at (pairing, a refill, an
//! edit, a device event, the app starting), unless the owner took it off the list during this
//! low spell. A spell ends when the stock is back above the threshold.

/// The threshold a new consumable gets unless the owner sets one: a fifth of a full pack,
/// rounded up, so a 40-packet soap box is listed at 8 left and a 10-slice loaf at 2.
pub fn default_for(capacity: u32) -> u32 {
    capacity.div_ceil(5)
}

/// Whether a consumable with `remaining` left and this `threshold` belongs on the list, given
/// whether the owner took it off during this low spell (`dismissed`).
pub fn should_list(remaining: u32, threshold: u32, dismissed: bool) -> bool {
    is_low(remaining, threshold) && !dismissed
}

/// At or below the threshold.
pub fn is_low(remaining: u32, threshold: u32) -> bool {
    remaining <= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_a_fifth_of_a_pack() {
        assert_eq!(default_for(40), 8);
        assert_eq!(default_for(10), 2);
        assert_eq!(default_for(1), 1);
    }

    #[test]
    fn low_means_listed_unless_taken_off() {
        assert!(should_list(8, 8, false), "at the threshold");
        assert!(should_list(3, 8, false), "below it, however it got there");
        assert!(
            should_list(0, 2, false),
            "empty from the start is low too: it is listed"
        );
        assert!(!should_list(9, 8, false), "above");
        assert!(
            !should_list(3, 8, true),
            "the owner took it off during this low spell"
        );
    }
}

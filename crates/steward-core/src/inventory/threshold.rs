//! When a consumable goes on the shopping list: when its remaining stock crosses the owner's
//! threshold from above. Crossing, not being below, so ticking an item off does not bring it
//! straight back, and a consumable whose stock was never recorded does not nag.

/// The threshold a new consumable gets unless the owner sets one: a fifth of a full pack,
/// rounded up, so a 40-packet soap box is listed at 8 left and a 10-slice loaf at 2.
pub fn default_for(capacity: u32) -> u32 {
    capacity.div_ceil(5)
}

/// Whether a change from `before` to `after` (remaining, threshold) puts the consumable on the
/// list.
pub fn crossed(before: (u32, u32), after: (u32, u32)) -> bool {
    let (was, was_threshold) = before;
    let (now, threshold) = after;
    was > was_threshold && now <= threshold
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
    fn only_a_crossing_from_above_counts() {
        assert!(crossed((9, 8), (8, 8)), "reaching the threshold lists it");
        assert!(crossed((12, 8), (3, 8)), "jumping past it too");
        assert!(
            !crossed((8, 8), (7, 8)),
            "already at or below: already listed once"
        );
        assert!(!crossed((0, 2), (0, 2)), "stock never recorded: no nagging");
        assert!(!crossed((10, 8), (9, 8)), "still above");
        assert!(
            crossed((10, 8), (10, 10)),
            "raising the threshold above the stock lists it"
        );
    }
}

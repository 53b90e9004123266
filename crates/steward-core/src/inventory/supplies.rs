//! What a newly paired device uses up: a soap dispenser holds packets and reports how many are
//! left; a toaster eats bread, which it cannot see, so the owner is asked once, when pairing,
//! how much there is (with a bag's worth suggested). The inventory starts tracking these on
//! pairing, so the brief's soap and bread scenarios need no set-up. A level is never invented:
//! it comes from the device or from the owner.

use crate::inventory::{ConsumableInput, ConsumableSpec};
use crate::Result;

/// A slice count for a bag of bread: the size of the stock until the owner records a real bag.
pub const DEFAULT_BREAD_BAG: i64 = 10;

/// The most the owner can say they have when pairing (a typo guard, not a policy).
pub const MAX_STARTING_LEVEL: u32 = 999;

/// What the owner is asked when pairing a device whose supply it cannot count itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplyQuestion {
    /// The supply, such as "Bread".
    pub supply: String,
    /// Its unit, singular ("slice").
    pub unit: String,
    /// The question, in words.
    pub prompt: String,
    /// What the field starts at: a full bag.
    pub suggested: u32,
}

/// The question to ask the owner when pairing a device of `kind`, or `None` when the device
/// reports its own stock (or uses nothing up).
pub fn owner_question(kind: &str) -> Option<SupplyQuestion> {
    match kind {
        "toaster" => Some(SupplyQuestion {
            supply: "Bread".into(),
            unit: "slice".into(),
            prompt: "How many slices of bread do you have now?".into(),
            suggested: DEFAULT_BREAD_BAG as u32,
        }),
        _ => None,
    }
}

/// What a device reported about its stock when it was paired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeviceStock {
    pub remaining: Option<u32>,
    pub capacity: Option<u32>,
    /// The device's running total of uses.
    pub counter: u32,
}

/// The consumable a device of `kind` (as named by the protocol) feeds; `None` for devices that
/// use nothing up. `owner_level` is the owner's answer to [`owner_question`]; a device that
/// needs one and has none is refused, never given a made-up level.
pub fn supply_for(
    kind: &str,
    device_name: &str,
    stock: DeviceStock,
    owner_level: Option<u32>,
) -> Result<Option<ConsumableSpec>> {
    let input = match kind {
        "soap_dispenser" => ConsumableInput {
            name: device_name.into(),
            unit: "packet".into(),
            capacity: i64::from(stock.capacity.unwrap_or(40).max(1)),
            remaining: i64::from(stock.remaining.unwrap_or(0)),
            ..Default::default()
        },
        "toaster" => {
            let question =
                owner_question(kind).ok_or_else(|| invalid("a toaster has a question"))?;
            let level =
                owner_level.ok_or_else(|| invalid("say how many slices of bread you have now"))?;
            if level > MAX_STARTING_LEVEL {
                return Err(invalid(&format!(
                    "at most {MAX_STARTING_LEVEL} slices; nothing was paired"
                )));
            }
            ConsumableInput {
                name: question.supply,
                unit: question.unit,
                capacity: DEFAULT_BREAD_BAG.max(i64::from(level)),
                remaining: i64::from(level),
                ..Default::default()
            }
        }
        _ => return Ok(None),
    };
    ConsumableSpec::parse(&input).map(Some)
}

fn invalid(reason: &str) -> crate::Error {
    crate::Error::InvalidInput {
        field: "starting level",
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soap_takes_the_dispensers_count_and_bread_the_owners_answer() {
        let soap = supply_for(
            "soap_dispenser",
            "Dish soap",
            DeviceStock {
                remaining: Some(10),
                capacity: Some(40),
                counter: 30,
            },
            None,
        )
        .expect("valid")
        .expect("soap is a supply");
        assert_eq!(
            (
                soap.name.as_str(),
                soap.remaining,
                soap.capacity,
                soap.threshold
            ),
            ("Dish soap", 10, 40, 8)
        );
        let toaster = DeviceStock {
            remaining: None,
            capacity: None,
            counter: 3,
        };
        let bread = supply_for("toaster", "Toaster", toaster, Some(6))
            .expect("valid")
            .expect("bread is a supply");
        assert_eq!(
            (bread.name.as_str(), bread.remaining, bread.capacity),
            ("Bread", 6, 10),
            "the owner's answer, in a bag's worth of room"
        );
        let big = supply_for("toaster", "Toaster", toaster, Some(24))
            .expect("valid")
            .expect("bread");
        assert_eq!((big.remaining, big.capacity), (24, 24));
        let unasked = supply_for("toaster", "Toaster", toaster, None)
            .expect_err("a level nobody gave is not invented");
        assert!(unasked.to_string().contains("how many slices"), "{unasked}");
        assert!(supply_for("toaster", "Toaster", toaster, Some(1000)).is_err());
        assert_eq!(
            owner_question("toaster").map(|q| q.suggested),
            Some(10),
            "a bag's worth is suggested"
        );
        assert_eq!(
            owner_question("soap_dispenser"),
            None,
            "the dispenser counts itself"
        );
        assert_eq!(
            supply_for(
                "light",
                "Lamp",
                DeviceStock {
                    remaining: None,
                    capacity: None,
                    counter: 0
                },
                None
            )
            .expect("ok"),
            None
        );
    }
}

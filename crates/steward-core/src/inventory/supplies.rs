//! What a newly paired device uses up: a soap dispenser holds packets and reports how many are
//! left; a toaster eats bread, whose bag size the owner confirms when buying. The inventory
//! starts tracking these on pairing, so the brief's soap and bread scenarios need no set-up.

use crate::inventory::{ConsumableInput, ConsumableSpec};
use crate::Result;

/// A slice count for a bag of bread until the owner records a real one.
pub const DEFAULT_BREAD_BAG: i64 = 10;

/// What a device reported about its stock when it was paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceStock {
    pub remaining: Option<u32>,
    pub capacity: Option<u32>,
    /// The device's running total of uses.
    pub counter: u32,
}

/// The consumable a device of `kind` (as named by the protocol) feeds, and where its use
/// counter stands; `None` for devices that use nothing up.
pub fn supply_for(
    kind: &str,
    device_name: &str,
    stock: DeviceStock,
) -> Result<Option<ConsumableSpec>> {
    let input = match kind {
        "soap_dispenser" => ConsumableInput {
            name: device_name.into(),
            unit: "packet".into(),
            capacity: i64::from(stock.capacity.unwrap_or(40).max(1)),
            remaining: i64::from(stock.remaining.unwrap_or(0)),
            ..Default::default()
        },
        // The stock of bread is unknown until the owner records a bag: starting at zero means
        // the toaster's slices are counted but nothing nags until a bag is recorded.
        "toaster" => ConsumableInput {
            name: "Bread".into(),
            unit: "slice".into(),
            capacity: DEFAULT_BREAD_BAG,
            remaining: 0,
            ..Default::default()
        },
        _ => return Ok(None),
    };
    ConsumableSpec::parse(&input).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soap_takes_the_dispensers_count_and_bread_starts_unknown() {
        let soap = supply_for(
            "soap_dispenser",
            "Dish soap",
            DeviceStock {
                remaining: Some(10),
                capacity: Some(40),
                counter: 30,
            },
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
        let bread = supply_for(
            "toaster",
            "Toaster",
            DeviceStock {
                remaining: None,
                capacity: None,
                counter: 3,
            },
        )
        .expect("valid")
        .expect("bread is a supply");
        assert_eq!(
            (bread.name.as_str(), bread.remaining, bread.capacity),
            ("Bread", 0, 10)
        );
        assert_eq!(
            supply_for(
                "light",
                "Lamp",
                DeviceStock {
                    remaining: None,
                    capacity: None,
                    counter: 0
                }
            )
            .expect("ok"),
            None
        );
    }
}

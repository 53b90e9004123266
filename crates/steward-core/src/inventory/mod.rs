//! The household's inventory rules, apart from storage: what a consumable is (validated input),
//! when it goes on the shopping list, and how fast it runs out. Pure: no SQL and no clock here;
//! the store modules apply these rules inside their transactions.

pub mod consumable;
pub mod forecast;
pub mod supplies;
pub mod threshold;

pub use consumable::{ConsumableInput, ConsumableSpec};

/// A unit for `n` of it, as the owner reads it: "1 packet", "8 packets", "8 slices".
pub fn unit_for(unit: &str, n: u32) -> String {
    if n == 1 || unit.ends_with('s') {
        unit.to_owned()
    } else {
        format!("{unit}s")
    }
}
pub use forecast::Forecast;

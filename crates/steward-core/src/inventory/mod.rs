//! The household's inventory rules, apart from storage: what a consumable is (validated input),
//! when it goes on the shopping list, and how fast it runs out. Pure: no SQL and no clock here;
//! the store modules apply these rules inside their transactions.

pub mod consumable;
pub mod forecast;
pub mod supplies;
pub mod threshold;

pub use consumable::{ConsumableInput, ConsumableSpec};
pub use forecast::Forecast;

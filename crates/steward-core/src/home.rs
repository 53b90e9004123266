//! The home summary: what the home screen shows at a glance, read in one go from the store.

use crate::store::{devices, settings, Store};
use crate::{HouseholdName, Result};

/// What the home screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeSummary {
    /// The owner's name for the household, if they gave one.
    pub household_name: Option<String>,
    /// The paired devices.
    pub devices: Vec<devices::DeviceRow>,
    /// The schema version of the store, shown under "About" to help support.
    pub schema_version: u32,
}

/// Reads the summary.
pub fn summary(store: &Store) -> Result<HomeSummary> {
    Ok(HomeSummary {
        household_name: settings::get(store, settings::HOUSEHOLD_NAME)?,
        devices: devices::list(store)?,
        schema_version: store.schema_version()?,
    })
}

/// Names the household; `now` is seconds since the epoch.
pub fn rename(store: &mut Store, name: &HouseholdName, now: i64) -> Result<HomeSummary> {
    settings::set(store, settings::HOUSEHOLD_NAME, name.as_str(), now)?;
    summary(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations;

    #[test]
    fn a_new_home_is_empty_and_unnamed() {
        let store = Store::open_in_memory().expect("store");
        let home = summary(&store).expect("summary");
        assert_eq!(
            home.household_name, None,
            "no name until the owner gives one"
        );
        assert!(home.devices.is_empty(), "no devices until one is paired");
        assert_eq!(
            home.schema_version,
            migrations::LATEST,
            "the summary reports the live schema"
        );
    }

    #[test]
    fn rename_is_reflected_in_the_summary() {
        let mut store = Store::open_in_memory().expect("store");
        let name = HouseholdName::parse("Maple Street").expect("valid");
        let home = rename(&mut store, &name, 5).expect("rename");
        assert_eq!(
            home.household_name.as_deref(),
            Some("Maple Street"),
            "rename returns the new state"
        );
    }
}

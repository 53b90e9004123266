//! The brief's home (../shared/BRIEF.md), as the demo and the end-to-end tests use it: a soap
//! dispenser with 10 of 40 packets left, a toaster, a Blu-ray player, a light and a thermostat,
//! each with its printed setup code.

use steward_protocol::pairing::SetupCode;
use steward_protocol::{DeviceId, DeviceKind, DeviceState, DispenserState};

use crate::SimDevice;

/// One device of the demo home and the code printed on it.
pub struct DemoDevice {
    pub device: SimDevice,
    pub code: &'static str,
}

/// The brief's five devices.
pub fn devices() -> Vec<DemoDevice> {
    let spec: [(DeviceKind, &str, u8, &'static str); 5] = [
        (DeviceKind::SoapDispenser, "Dish soap", 0x01, "1234-5678"),
        (DeviceKind::Toaster, "Toaster", 0x02, "2345-6789"),
        (
            DeviceKind::BluRayPlayer,
            "Blu-ray player",
            0x03,
            "3456-7890",
        ),
        (DeviceKind::Light, "Kitchen light", 0x04, "4567-8901"),
        (DeviceKind::Thermostat, "Hall thermostat", 0x05, "5678-9012"),
    ];
    spec.into_iter()
        .map(|(kind, name, n, code)| {
            let mut id = [0x5e; 16];
            id[15] = n;
            let parsed = SetupCode::parse(code)
                .unwrap_or_else(|_| unreachable!("the demo codes are 8 digits"));
            let mut device =
                SimDevice::new(kind, name, DeviceId(id), [0xD0, 0x5E, 0, 0, 0, n], parsed);
            if kind == DeviceKind::SoapDispenser {
                // 40 bought, 30 used, 10 left.
                device.set_state(DeviceState::SoapDispenser(DispenserState {
                    remaining: 10,
                    capacity: 40,
                    dispensed_total: 30,
                }));
            }
            DemoDevice { device, code }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_brief_home_has_each_kind_once_with_distinct_identities() {
        let home = devices();
        let mut kinds: Vec<DeviceKind> = home.iter().map(|d| d.device.kind).collect();
        kinds.dedup();
        assert_eq!(
            kinds,
            DeviceKind::ALL,
            "one device of each kind, in kind order"
        );
        let mut ids: Vec<_> = home.iter().map(|d| d.device.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5, "identities are distinct");
        assert_eq!(
            home[0].device.state(),
            DeviceState::SoapDispenser(DispenserState {
                remaining: 10,
                capacity: 40,
                dispensed_total: 30
            }),
            "the brief's soap: 40 bought, 30 used, 10 left"
        );
    }
}

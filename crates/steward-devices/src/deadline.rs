//! How long any one Bluetooth operation may take. Every scan, connection, read, write and
//! subscription the device layer starts has a deadline, so one device that answers slowly (or
//! never) costs the others at most that long, and the owner gets an answer instead of a spinner.

use std::future::Future;
use std::time::Duration;

use crate::{DeviceError, LinkError};

/// The deadlines the hub and its sessions work to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Connecting and discovering a device's services.
    pub connect: Duration,
    /// One read, write or subscription, and a device's answer to a command or a pairing step.
    pub operation: Duration,
    /// What a scan may take beyond the window it listens for (starting and stopping discovery).
    pub scan_margin: Duration,
}

impl Default for Deadlines {
    /// BLE connections usually take well under a second and a GATT operation tens of
    /// milliseconds; these leave room for a busy radio without letting one device hold the home.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            operation: Duration::from_secs(5),
            scan_margin: Duration::from_secs(5),
        }
    }
}

/// Runs a link operation with a deadline; `what` names it in the error ("reading the identity").
pub(crate) async fn within<T>(
    deadline: Duration,
    what: &'static str,
    operation: impl Future<Output = Result<T, LinkError>>,
) -> Result<T, DeviceError> {
    match tokio::time::timeout(deadline, operation).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(DeviceError::Timeout {
            what,
            seconds: deadline.as_secs().max(1),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_operation_past_its_deadline_is_a_timeout_naming_it() {
        let never = std::future::pending::<Result<(), LinkError>>();
        assert_eq!(
            within(Duration::from_secs(5), "reading the identity", never).await,
            Err(DeviceError::Timeout {
                what: "reading the identity",
                seconds: 5
            })
        );
        let quick = async { Ok::<_, LinkError>(7) };
        assert_eq!(
            within(Duration::from_secs(5), "reading", quick).await,
            Ok(7)
        );
        let failed = async { Err::<(), _>(LinkError::Disconnected) };
        assert_eq!(
            within(Duration::from_secs(5), "reading", failed).await,
            Err(DeviceError::Disconnected),
            "the operation's own error is kept"
        );
    }
}

//! The error the UI receives: a code it can branch on and a message a person can act on. The
//! core's typed errors are mapped here, and only here.

use serde::Serialize;
use specta::Type;

/// What kind of failure it was; add a code only when the UI needs to branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    /// The owner's input was refused; the message says why and the form can stay open.
    InvalidInput,
    /// The local store failed; nothing was changed.
    Storage,
    /// The device is out of range, switched off, or its connection dropped.
    OutOfRange,
    /// The setup code does not match the device; the pairing form stays open.
    WrongCode,
    /// Bluetooth is off or missing on this phone.
    NoBluetooth,
    /// The device refused, timed out, or sent something unreadable.
    Device,
    /// The consent gate kept it on the phone: the owner has not allowed that partner to receive
    /// that data for that purpose. Nothing was sent.
    NotShared,
}

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<steward_core::Error> for ApiError {
    fn from(err: steward_core::Error) -> Self {
        use steward_core::Error as E;
        match err {
            E::InvalidInput { field, reason } => Self {
                code: ErrorCode::InvalidInput,
                message: format!("{}: {reason}.", capitalise(field)),
            },
            E::NotShared { partner, reason } => Self {
                code: ErrorCode::NotShared,
                message: format!("Nothing was sent to {partner}: {reason}."),
            },
            E::NotFound { what, .. } => Self {
                code: ErrorCode::InvalidInput,
                message: format!("That {what} no longer exists. It may have been removed."),
            },
            E::SchemaTooNew { found, known } => {
                tracing::error!(found, known, "refusing a database from a newer app");
                Self {
                    code: ErrorCode::Storage,
                    message: format!(
                        "Your data was saved by a newer version of Steward (schema {found}, this app knows {known}). \
                         Update Steward to open it; nothing has been changed."
                    ),
                }
            }
            E::WrongKey => {
                tracing::error!(
                    "the household database does not open with the key in the keystore"
                );
                Self {
                    code: ErrorCode::Storage,
                    message: "Your data is encrypted with a key this system's keyring no longer gives Steward                               (a different user, a reset keyring, or a locked one). Unlock or restore the keyring                               and try again; nothing has been changed."
                        .to_owned(),
                }
            }
            other => {
                tracing::error!(error = %other, "storage failure");
                Self {
                    code: ErrorCode::Storage,
                    message: format!(
                        "Steward could not read or save your data ({other}). Nothing was changed; \
                         check free space and try again."
                    ),
                }
            }
        }
    }
}

impl From<steward_keystore::KeystoreError> for ApiError {
    fn from(err: steward_keystore::KeystoreError) -> Self {
        tracing::error!(error = %err, "keystore failure");
        Self {
            code: ErrorCode::Storage,
            message: format!(
                "Steward could not reach the place it keeps its keys ({err}). Nothing was changed;                  unlock the system keyring and try again."
            ),
        }
    }
}

impl From<steward_devices::DeviceError> for ApiError {
    fn from(err: steward_devices::DeviceError) -> Self {
        use steward_devices::DeviceError as E;
        let (code, message) = match &err {
            E::NoBluetooth(_) => (
                ErrorCode::NoBluetooth,
                format!("{}. {}", crate::bluetooth::UNAVAILABLE_TITLE, crate::bluetooth::UNAVAILABLE_ADVICE),
            ),
            E::RadioOff => (
                ErrorCode::NoBluetooth,
                format!("{}. {}", crate::bluetooth::OFF_TITLE, crate::bluetooth::OFF_ADVICE),
            ),
            E::OutOfRange | E::Disconnected => (
                ErrorCode::OutOfRange,
                "The device is out of range or switched off. Move closer or check its power; Steward reconnects on its own.".to_owned(),
            ),
            E::WrongCode => (ErrorCode::WrongCode, "That setup code does not match this device. Check the code printed on it and try again.".to_owned()),
            E::NotTheScannedDevice { .. } => (
                ErrorCode::WrongCode,
                "This is not the device whose code you scanned. Pick the device the code belongs to.".to_owned(),
            ),
            E::LockedOut { retry_after_secs } => (
                ErrorCode::WrongCode,
                format!(
                    "Too many wrong codes: the device accepts pairing again in {}. Check the code printed on it meanwhile.",
                    wait_in_words(*retry_after_secs)
                ),
            ),
            E::NotGenuine => (
                ErrorCode::Device,
                "This device could not prove it is the one paired with this phone (a look-alike, or interference). Nothing was sent to it.".to_owned(),
            ),
            E::NotPaired => (ErrorCode::Device, "The device does not recognise this phone any more. Pair it again.".to_owned()),
            E::PairingClosed => (
                ErrorCode::WrongCode,
                "The device is not accepting pairing right now: press its pairing button (or switch it off and on), then pair within 5 minutes.".to_owned(),
            ),
            E::NoRoom => (ErrorCode::Device, "The device is paired with as many phones as it keeps. Remove it from a phone you no longer use (or reset it), then pair again.".to_owned()),
            E::Unsupported { kind } => (ErrorCode::InvalidInput, format!("A {} cannot do that.", kind.replace('_', " "))),
            E::Timeout { .. } => (ErrorCode::Device, "The device did not answer in time. It may be busy or far away; try again.".to_owned()),
            E::Refused(status) => (ErrorCode::Device, format!("The device refused the command ({status:?}).")),
            E::Malformed(reason) => (ErrorCode::Device, format!("The device sent something Steward cannot read ({reason}). Nothing was changed.")),
            E::Stack(reason) => (ErrorCode::Device, format!("Bluetooth reported an error: {reason}.")),
        };
        tracing::warn!(error = %err, "device operation failed");
        Self { code, message }
    }
}

/// "30 seconds", "2 minutes", "1 minute and 30 seconds".
pub(crate) fn wait_in_words(secs: u16) -> String {
    let plural = |n: u16, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match (secs / 60, secs % 60) {
        (0, s) => plural(s.max(1), "second"),
        (m, 0) => plural(m, "minute"),
        (m, s) => format!("{} and {}", plural(m, "minute"), plural(s, "second")),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_out_says_how_long_in_words() {
        let said = |secs| {
            ApiError::from(steward_devices::DeviceError::LockedOut {
                retry_after_secs: secs,
            })
            .message
        };
        assert!(said(30).contains("again in 30 seconds"), "{}", said(30));
        assert!(said(60).contains("again in 1 minute."), "{}", said(60));
        assert!(said(90).contains("1 minute and 30 seconds"), "{}", said(90));
        assert!(said(600).contains("10 minutes"), "{}", said(600));
        assert!(said(0).contains("1 second."), "never 'in 0 seconds'");
    }

    #[test]
    fn invalid_input_reads_as_a_sentence() {
        let err = ApiError::from(steward_core::Error::InvalidInput {
            field: "household name",
            reason: "too long".into(),
        });
        assert_eq!(
            err.code,
            ErrorCode::InvalidInput,
            "the UI keeps the form open on this code"
        );
        assert_eq!(
            err.message, "Household name: too long.",
            "a person reads a sentence, not a debug dump"
        );
    }

    #[test]
    fn serialises_as_camel_case_code_and_message() {
        let err = ApiError {
            code: ErrorCode::InvalidInput,
            message: "m".into(),
        };
        let json = serde_json::to_value(&err).expect("serialise");
        assert_eq!(
            json,
            serde_json::json!({"code": "invalidInput", "message": "m"}),
            "the wire shape the UI expects"
        );
    }
}

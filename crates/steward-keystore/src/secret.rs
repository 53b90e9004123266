//! [`Secret`]: 32 bytes that never show in logs and are zeroed when dropped.

use zeroize::Zeroizing;

use crate::KeystoreError;

/// The length of every secret a [`crate::Keystore`] holds.
pub const SECRET_LEN: usize = 32;

/// A 32-byte secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<[u8; SECRET_LEN]>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(********)")
    }
}

impl Secret {
    pub fn from_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Exactly 32 bytes, or `None`.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; SECRET_LEN]>::try_from(bytes)
            .ok()
            .map(Self::from_bytes)
    }

    /// 32 bytes from the OS's randomness.
    pub fn random() -> Result<Self, KeystoreError> {
        let mut bytes = Zeroizing::new([0u8; SECRET_LEN]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| KeystoreError::Failed(format!("no randomness for a new key: {e}")))?;
        Ok(Self(bytes))
    }

    pub fn expose(&self) -> &[u8; SECRET_LEN] {
        &self.0
    }

    /// Lowercase hex, for SQLCipher's raw-key form; the caller zeroes what it builds from it.
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(SECRET_LEN * 2));
        for byte in self.0.iter() {
            out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shown_and_exactly_32_bytes() {
        let secret = Secret::from_bytes([0xab; 32]);
        assert_eq!(format!("{secret:?}"), "Secret(********)");
        assert_eq!(secret.to_hex().as_str(), "ab".repeat(32));
        assert!(Secret::from_slice(&[1; 31]).is_none());
        assert!(Secret::from_slice(&[1; 33]).is_none());
        assert_ne!(
            Secret::random().expect("random"),
            Secret::random().expect("random")
        );
    }
}

//! Long-term keys: each phone and each device holds one X25519 key pair. At pairing, the two
//! public keys are exchanged sealed under the key the PAKE produced, so each side learns the
//! other's key only from someone who proved knowledge of the setup code (HomeKit's pair-setup
//! M5/M6, Matter's operational credentials). Every later connection authenticates with these keys
//! (handshake.rs), never with the setup code.
//!
//! Pure: randomness comes from the caller. A private key never appears in `Debug` output.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::ChaCha20Poly1305;
use hkdf::Hkdf;
use sha2::Sha256;

use crate::pairing::PairingKey;
use crate::pake::{CryptoRng, RngCore};
use crate::DeviceId;

/// The length of a public key (X25519), in bytes.
pub const PUBLIC_KEY_LEN: usize = 32;
/// A public key sealed for the other side: the key and a 16-byte Poly1305 tag.
pub const SEALED_KEY_LEN: usize = PUBLIC_KEY_LEN + 16;

/// Binds the sealing key to this profile and purpose.
const SEAL_INFO: &[u8] = b"steward long-term keys v1";

/// A long-term private key (X25519).
#[derive(Clone)]
pub struct StaticSecret(x25519_dalek::StaticSecret);

impl std::fmt::Debug for StaticSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticSecret(********)")
    }
}

impl StaticSecret {
    /// A new key from the caller's RNG.
    pub fn generate(rng: impl CryptoRng + RngCore) -> Self {
        Self(x25519_dalek::StaticSecret::random_from_rng(rng))
    }

    /// A key as stored (in the platform keystore).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(x25519_dalek::StaticSecret::from(bytes))
    }

    /// The key's bytes, for the keystore only.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public half, given to the other side at pairing.
    pub fn public(&self) -> PublicKey {
        PublicKey(x25519_dalek::PublicKey::from(&self.0).to_bytes())
    }
}

/// A long-term public key (X25519).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey(pub [u8; PUBLIC_KEY_LEN]);

impl PublicKey {
    pub const fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }
}

/// Which side sealed a key: each side has its own nonce, so the two sealed keys never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealer {
    Phone,
    Device,
}

impl Sealer {
    fn nonce(self) -> [u8; 12] {
        let mut nonce = *b"steward-ltk\0";
        nonce[11] = match self {
            Sealer::Phone => 1,
            Sealer::Device => 2,
        };
        nonce
    }
}

/// Why a sealed key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyExchangeError {
    /// The tag does not verify: not sealed with this pairing's key (or altered on the way).
    #[error("the other side's long-term key is not genuine")]
    NotGenuine,
    /// An all-zero or low-order key, which would make every session key predictable.
    #[error("the other side's long-term key is not a usable X25519 key")]
    WeakKey,
}

fn cipher(pairing: &PairingKey) -> ChaCha20Poly1305 {
    let hkdf = Hkdf::<Sha256>::new(None, pairing.as_bytes());
    let mut key = [0u8; 32];
    if hkdf.expand(SEAL_INFO, &mut key).is_err() {
        unreachable!("32 bytes is a valid HKDF-SHA256 output length");
    }
    ChaCha20Poly1305::new(&key.into())
}

/// Seals `public` for the other side of the pairing that produced `pairing`, bound to the device
/// `id` (the associated data).
pub fn seal_public_key(
    pairing: &PairingKey,
    sealer: Sealer,
    id: &DeviceId,
    public: &PublicKey,
) -> [u8; SEALED_KEY_LEN] {
    let sealed = cipher(pairing).encrypt(
        &sealer.nonce().into(),
        Payload {
            msg: &public.0,
            aad: &id.0,
        },
    );
    let mut out = [0u8; SEALED_KEY_LEN];
    match sealed {
        Ok(bytes) if bytes.len() == SEALED_KEY_LEN => out.copy_from_slice(&bytes),
        _ => unreachable!("ChaCha20-Poly1305 seals 32 bytes into 48"),
    }
    out
}

/// Opens a key sealed by `sealer` with [`seal_public_key`].
pub fn open_public_key(
    pairing: &PairingKey,
    sealer: Sealer,
    id: &DeviceId,
    sealed: &[u8; SEALED_KEY_LEN],
) -> Result<PublicKey, KeyExchangeError> {
    let opened = cipher(pairing)
        .decrypt(
            &sealer.nonce().into(),
            Payload {
                msg: sealed,
                aad: &id.0,
            },
        )
        .map_err(|_| KeyExchangeError::NotGenuine)?;
    let bytes: [u8; PUBLIC_KEY_LEN] = opened
        .try_into()
        .map_err(|_| KeyExchangeError::NotGenuine)?;
    let key = PublicKey(bytes);
    if is_weak(&key) {
        return Err(KeyExchangeError::WeakKey);
    }
    Ok(key)
}

/// A key whose Diffie-Hellman with any secret is all zeros (the identity or a small-order point).
fn is_weak(key: &PublicKey) -> bool {
    let probe = x25519_dalek::StaticSecret::from([0x42; 32]);
    !probe
        .diffie_hellman(&x25519_dalek::PublicKey::from(key.0))
        .was_contributory()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pake::OsRng;

    const ID: DeviceId = DeviceId([7; 16]);

    #[test]
    fn a_sealed_key_opens_only_with_the_same_pairing_and_device() {
        let pairing = PairingKey::from_bytes([1; 32]);
        let key = StaticSecret::generate(OsRng).public();
        let sealed = seal_public_key(&pairing, Sealer::Phone, &ID, &key);
        assert_eq!(
            open_public_key(&pairing, Sealer::Phone, &ID, &sealed),
            Ok(key)
        );
        assert_eq!(
            open_public_key(
                &PairingKey::from_bytes([2; 32]),
                Sealer::Phone,
                &ID,
                &sealed
            ),
            Err(KeyExchangeError::NotGenuine),
            "another pairing's key"
        );
        assert_eq!(
            open_public_key(&pairing, Sealer::Phone, &DeviceId([8; 16]), &sealed),
            Err(KeyExchangeError::NotGenuine),
            "bound to the device"
        );
        assert_eq!(
            open_public_key(&pairing, Sealer::Device, &ID, &sealed),
            Err(KeyExchangeError::NotGenuine),
            "the phone's sealed key cannot be reflected as the device's"
        );
        for i in 0..SEALED_KEY_LEN {
            let mut altered = sealed;
            altered[i] ^= 1;
            assert!(open_public_key(&pairing, Sealer::Phone, &ID, &altered).is_err());
        }
    }

    #[test]
    fn a_low_order_key_is_refused() {
        let pairing = PairingKey::from_bytes([1; 32]);
        let sealed = seal_public_key(&pairing, Sealer::Device, &ID, &PublicKey([0; 32]));
        assert_eq!(
            open_public_key(&pairing, Sealer::Device, &ID, &sealed),
            Err(KeyExchangeError::WeakKey)
        );
    }

    #[test]
    fn private_keys_stay_out_of_logs_and_round_trip() {
        let secret = StaticSecret::generate(OsRng);
        assert_eq!(format!("{secret:?}"), "StaticSecret(********)");
        let again = StaticSecret::from_bytes(secret.to_bytes());
        assert_eq!(again.public(), secret.public());
        assert_ne!(StaticSecret::generate(OsRng).public(), secret.public());
    }
}

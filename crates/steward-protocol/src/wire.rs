//! Little-endian reading and writing with exact-length checks, shared by the frame codecs.

use crate::{DecodeError, PROFILE_VERSION};

/// Checks that `bytes` is exactly `expected` long.
pub(crate) fn exact(what: &'static str, bytes: &[u8], expected: usize) -> Result<(), DecodeError> {
    if bytes.len() == expected {
        Ok(())
    } else {
        Err(DecodeError::WrongLength {
            what,
            expected,
            found: bytes.len(),
        })
    }
}

/// Checks that `bytes` is at least `minimum` long, reporting `minimum` as the expectation.
pub(crate) fn at_least(
    what: &'static str,
    bytes: &[u8],
    minimum: usize,
) -> Result<(), DecodeError> {
    if bytes.len() >= minimum {
        Ok(())
    } else {
        Err(DecodeError::WrongLength {
            what,
            expected: minimum,
            found: bytes.len(),
        })
    }
}

/// Checks the version byte at the start of a frame (the caller has checked the length).
pub(crate) fn version(what: &'static str, bytes: &[u8]) -> Result<(), DecodeError> {
    match bytes.first() {
        Some(&PROFILE_VERSION) => Ok(()),
        Some(&found) => Err(DecodeError::UnsupportedVersion { what, found }),
        None => Err(DecodeError::WrongLength {
            what,
            expected: 1,
            found: 0,
        }),
    }
}

/// A cursor over a frame whose length has already been checked, so reads cannot run short.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let (head, tail) = self.bytes.split_at(N.min(self.bytes.len()));
        out[..head.len()].copy_from_slice(head);
        self.bytes = tail;
        out
    }

    pub(crate) fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    pub(crate) fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }

    pub(crate) fn i16(&mut self) -> i16 {
        i16::from_le_bytes(self.take())
    }

    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }

    pub(crate) fn array<const N: usize>(&mut self) -> [u8; N] {
        self.take()
    }

    pub(crate) fn rest(self) -> &'a [u8] {
        self.bytes
    }
}

/// A 0/1 byte as a bool; anything else is refused.
pub(crate) fn flag(what: &'static str, value: u8) -> Result<bool, DecodeError> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        value => Err(DecodeError::UnknownValue { what, value }),
    }
}

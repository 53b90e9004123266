"""The Steward device link, written from docs/protocol/gatt.md alone with other libraries than
the app's: python-spake2 (magic-wormhole's) for SPAKE2, pyca/cryptography for X25519,
ChaCha20-Poly1305, HKDF and HMAC, and Noise IK written out by hand from the Noise Protocol
Framework's specification (revision 34). No Rust, no snow.

`python3 steward_client.py --vectors <gatt.md>` recomputes the spec's key and session test
vectors and checks them against the document; bluez_client.py uses the rest to pair with, command
and listen to a simulated device over BlueZ.
"""

import hashlib
import hmac
import re
import struct
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = 0x02

# Pairing message types (gatt.md, "Pairing").
OUTCOME, PAKE_START, PAKE_REPLY, PAKE_CONFIRM = 0x04, 0x05, 0x06, 0x07
VERIFY_START, VERIFY_REPLY, PAIRED_WITH = 0x09, 0x0A, 0x0B

# Session channels (gatt.md, "Inside a session frame").
COMMAND, RESULT, EVENT, STATE, BATTERY, READY, FORGET, FORGOTTEN = range(1, 9)


class ProtocolError(Exception):
    pass


def hkdf(ikm, salt, info, length=32):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def raw_public(private_key):
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def x25519_private(raw):
    return X25519PrivateKey.from_private_bytes(bytes(raw))


# --- Pairing: SPAKE2 with key confirmation, then the long-term keys ------------------------


def pake_keys(shared, device_id, start, reply):
    """The confirmation keys and the pairing key from SPAKE2's shared secret (gatt.md)."""
    transcript = device_id + start + reply
    label = lambda what: hkdf(shared, transcript, b"steward pairing v2 " + what)
    return {
        "phone": label(b"phone confirmation"),
        "device": label(b"device confirmation"),
        "pairing": label(b"pairing key"),
        "transcript": transcript,
    }


def confirmation(key, transcript):
    return hmac.new(key, transcript, hashlib.sha256).digest()


def seal_key_cipher(pairing_key):
    return ChaCha20Poly1305(hkdf(pairing_key, None, b"steward long-term keys v1"))


def key_nonce(sealer):
    return b"steward-ltk" + bytes([1 if sealer == "phone" else 2])


def seal_public_key(pairing_key, sealer, device_id, public):
    return seal_key_cipher(pairing_key).encrypt(key_nonce(sealer), public, device_id)


def open_public_key(pairing_key, sealer, device_id, sealed):
    try:
        return seal_key_cipher(pairing_key).decrypt(key_nonce(sealer), sealed, device_id)
    except Exception as error:  # cryptography raises InvalidTag
        raise ProtocolError(f"the {sealer}'s long-term key is not genuine") from error


# --- Pair-verify: Noise_IK_25519_ChaChaPoly_SHA256, by hand --------------------------------

PROTOCOL_NAME = b"Noise_IK_25519_ChaChaPoly_SHA256"


def noise_nonce(n):
    return b"\x00\x00\x00\x00" + struct.pack("<Q", n)


def noise_hkdf(chaining_key, ikm, outputs):
    temp = hmac.new(chaining_key, ikm, hashlib.sha256).digest()
    out1 = hmac.new(temp, b"\x01", hashlib.sha256).digest()
    out2 = hmac.new(temp, out1 + b"\x02", hashlib.sha256).digest()
    return (out1, out2) if outputs == 2 else out1


class SymmetricState:
    def __init__(self, prologue):
        # The name is exactly 32 bytes (HASHLEN), so it is used as it is, not hashed.
        assert len(PROTOCOL_NAME) == 32
        self.h = PROTOCOL_NAME
        self.ck = PROTOCOL_NAME
        self.k = None
        self.n = 0
        self.mix_hash(prologue)

    def mix_hash(self, data):
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, ikm):
        self.ck, self.k = noise_hkdf(self.ck, ikm, 2)
        self.n = 0

    def encrypt_and_hash(self, plaintext):
        ciphertext = ChaCha20Poly1305(self.k).encrypt(noise_nonce(self.n), plaintext, self.h)
        self.n += 1
        self.mix_hash(ciphertext)
        return ciphertext

    def decrypt_and_hash(self, ciphertext):
        try:
            plaintext = ChaCha20Poly1305(self.k).decrypt(noise_nonce(self.n), ciphertext, self.h)
        except Exception as error:
            raise ProtocolError("the device's pair-verify reply is not genuine") from error
        self.n += 1
        self.mix_hash(ciphertext)
        return plaintext

    def split(self):
        return noise_hkdf(self.ck, b"", 2)


def dh(private_key, public_raw):
    return private_key.exchange(X25519PublicKey.from_public_bytes(public_raw))


class PhoneHandshake:
    """The initiator of Noise IK: knows the device's static key, sends its own encrypted."""

    def __init__(self, phone_static, device_public, device_id, ephemeral=None):
        self.s = phone_static
        self.rs = device_public
        self.e = ephemeral or X25519PrivateKey.generate()
        self.state = SymmetricState(b"steward session v1" + device_id)
        self.state.mix_hash(self.rs)  # pre-message: <- s

    def start(self):
        st = self.state
        e_pub = raw_public(self.e)
        st.mix_hash(e_pub)  # -> e
        st.mix_key(dh(self.e, self.rs))  # es
        sealed_s = st.encrypt_and_hash(raw_public(self.s))  # s
        st.mix_key(dh(self.s, self.rs))  # ss
        payload = st.encrypt_and_hash(b"")
        message = e_pub + sealed_s + payload
        assert len(message) == 96
        return message

    def finish(self, reply):
        if len(reply) != 61:
            raise ProtocolError(f"a pair-verify reply of {len(reply)} bytes")
        st = self.state
        re_pub = reply[:32]
        st.mix_hash(re_pub)  # <- e
        st.mix_key(dh(self.e, re_pub))  # ee
        st.mix_key(dh(self.s, re_pub))  # se
        hello = st.decrypt_and_hash(reply[32:])
        if len(hello) != 13 or hello[0] != VERSION:
            raise ProtocolError("the session hello does not follow the profile")
        boot_id, last_seq = hello[1:9], struct.unpack("<I", hello[9:13])[0]
        to_device, to_phone = st.split()
        return Session(to_device, to_phone), boot_id, last_seq


class DeviceHandshake:
    """The responder of Noise IK, for the test vectors only (a device is not this script's job)."""

    def __init__(self, device_static, device_id, ephemeral):
        self.s = device_static
        self.e = ephemeral
        self.state = SymmetricState(b"steward session v1" + device_id)
        self.state.mix_hash(raw_public(self.s))

    def respond(self, start, hello):
        st = self.state
        re_pub = start[:32]
        st.mix_hash(re_pub)
        st.mix_key(dh(self.s, re_pub))  # es, seen from the responder
        rs = st.decrypt_and_hash(start[32:80])
        st.mix_key(dh(self.s, rs))  # ss
        st.decrypt_and_hash(start[80:])
        e_pub = raw_public(self.e)
        st.mix_hash(e_pub)
        st.mix_key(dh(self.e, re_pub))  # ee
        st.mix_key(dh(self.e, rs))  # se, seen from the responder
        reply = e_pub + st.encrypt_and_hash(hello)
        to_device, to_phone = st.split()
        return reply, Session(to_phone, to_device)


class Session:
    """Session frames: 02 ‖ counter u64 LE ‖ ChaCha20-Poly1305 (nonce 0000 ‖ counter LE)."""

    def __init__(self, send_key, receive_key):
        self.send = ChaCha20Poly1305(send_key)
        self.receive = ChaCha20Poly1305(receive_key)
        self.sent = 0
        self.last = None

    def seal(self, plaintext):
        counter = self.sent
        self.sent += 1
        return bytes([VERSION]) + struct.pack("<Q", counter) + self.send.encrypt(
            noise_nonce(counter), plaintext, b""
        )

    def open(self, frame):
        if len(frame) < 25 or frame[0] != VERSION:
            raise ProtocolError(f"not a session frame: {frame.hex()}")
        counter = struct.unpack("<Q", frame[1:9])[0]
        if self.last is not None and counter <= self.last:
            raise ProtocolError(f"a stale session frame ({counter} after {self.last})")
        try:
            plaintext = self.receive.decrypt(noise_nonce(counter), frame[9:], b"")
        except Exception as error:
            raise ProtocolError("a session frame that is not genuine") from error
        self.last = counter
        return plaintext


def pairing_frame(kind, body=b""):
    return bytes([VERSION, kind]) + body


def parse_pairing(frame):
    if len(frame) < 2 or frame[0] != VERSION:
        raise ProtocolError(f"not a version-2 pairing message: {frame.hex()}")
    return frame[1], frame[2:]


# --- The spec's test vectors ---------------------------------------------------------------


def counting(start):
    return bytes((start + i) % 256 for i in range(32))


def check_vectors(spec_path):
    spec = open(spec_path, encoding="utf-8").read()
    device_id = bytes(range(16))
    pairing = bytes.fromhex(re.search(r"- pairing key: `([0-9a-f]{64})`", spec).group(1))
    phone = x25519_private(counting(0x20))
    device = x25519_private(counting(0xA0))
    start_handshake = PhoneHandshake(phone, raw_public(device), device_id, x25519_private(counting(0x40)))
    start = start_handshake.start()
    hello = bytes([VERSION]) + bytes(range(1, 9)) + struct.pack("<I", 5)
    reply, device_session = DeviceHandshake(device, device_id, x25519_private(counting(0xC0))).respond(start, hello)
    phone_session, boot_id, last_seq = start_handshake.finish(reply)
    assert (boot_id, last_seq) == (bytes(range(1, 9)), 5)
    ready = phone_session.seal(bytes([READY]))
    battery = device_session.seal(bytes([BATTERY, 87]))
    assert device_session.open(ready) == bytes([READY])
    assert phone_session.open(battery) == bytes([BATTERY, 87])
    computed = {
        "phone public key": raw_public(phone),
        "device public key": raw_public(device),
        "sealed phone key": seal_public_key(pairing, "phone", device_id, raw_public(phone)),
        "sealed device key": seal_public_key(pairing, "device", device_id, raw_public(device)),
        "verify start": start,
        "verify reply": reply,
        "first phone frame (ready)": ready,
        "first device frame (battery 87)": battery,
    }
    wrong = [name for name, value in computed.items() if f"- {name}: `{value.hex()}`" not in spec]
    for name in wrong:
        print(f"{name}: computed {computed[name].hex()}", flush=True)
    if wrong:
        print("error: the spec's vectors differ from an independent implementation", flush=True)
        sys.exit(1)
    print(f"vectors: {len(computed)} match", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--vectors":
        check_vectors(sys.argv[2])
    else:
        print("usage: steward_client.py --vectors docs/protocol/gatt.md", file=sys.stderr)
        sys.exit(2)

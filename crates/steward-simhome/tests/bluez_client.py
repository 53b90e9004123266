"""A BlueZ client that is not btleplug: dbus-python with GLib, written the way BlueZ's own
test scripts are (bluez/test/example-gatt-client). It drives the simulated home through the
standard org.bluez API only, to show that any BlueZ client can use it, and speaks the Steward
profile from docs/protocol/gatt.md alone (steward_client.py: python-spake2, pyca/cryptography,
Noise IK by hand): it pairs, opens a session, receives an event and commands the device.

Run by tests/other_client.rs with DBUS_SYSTEM_BUS_ADDRESS pointing at the simulated home's bus
and the soap dispenser's setup code as its argument. It prints one line per step; after
"subscribed" the Rust side makes the device dispense, and the script waits for that event.
Any failure exits non-zero with the reason.
"""

import os
import struct
import sys

import dbus
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from spake2 import SPAKE2_A

import steward_client as steward
import dbus.mainloop.glib
from gi.repository import GLib

BLUEZ = "org.bluez"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
CHARACTERISTIC = "org.bluez.GattCharacteristic1"
DESCRIPTOR = "org.bluez.GattDescriptor1"

# From docs/protocol/gatt.md: Steward UUIDs are the base with a 16-bit number in bits 96-111.
BASE = 0x5354_0000_7374_6577_6172_6468_6f6d_6501


def steward_uuid(short):
    value = f"{BASE | (short << 96):032x}"
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


SOAP_DISPENSER = 1
LIGHT = 4
SOAP_SERVICE = steward_uuid(0x2000 + SOAP_DISPENSER)
LIGHT_SERVICE = steward_uuid(0x2000 + LIGHT)
IDENTITY = steward_uuid(0x1001)
PAIRING = steward_uuid(0x1002)
SESSION = steward_uuid(0x1006)
CCCD = "00002902-0000-1000-8000-00805f9b34fb"
TIMEOUT_MS = 10_000


def fail(reason):
    print(f"error: {reason}", flush=True)
    sys.exit(1)


def say(line):
    print(line, flush=True)


def objects(bus):
    manager = dbus.Interface(bus.get_object(BLUEZ, "/"), OBJECT_MANAGER)
    return manager.GetManagedObjects()


def wait_until(loop, check, what):
    """Runs the main loop until check() is true, or fails after TIMEOUT_MS."""
    def poll():
        if check():
            loop.quit()
        return True

    def give_up():
        fail(f"timed out waiting for {what}")

    poller = GLib.timeout_add(20, poll)
    timer = GLib.timeout_add(TIMEOUT_MS, give_up)
    while not check():
        loop.run()
    GLib.source_remove(poller)
    GLib.source_remove(timer)


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus()
    loop = GLib.MainLoop()

    adapters = [p for p, ifaces in objects(bus).items() if ADAPTER in ifaces]
    if not adapters:
        fail("no org.bluez.Adapter1")
    adapter_path = adapters[0]
    adapter_props = objects(bus)[adapter_path][ADAPTER]
    for prop in ("Address", "Powered", "Discovering", "Roles", "UUIDs", "Discoverable", "Pairable"):
        if prop not in adapter_props:
            fail(f"Adapter1 lacks {prop}")
    if "central" not in adapter_props["Roles"]:
        fail(f"Adapter1.Roles {list(adapter_props['Roles'])} lacks central")
    say("adapter " + str(adapter_props["Address"]))

    adapter = dbus.Interface(bus.get_object(BLUEZ, adapter_path), ADAPTER)
    adapter.SetDiscoveryFilter({"UUIDs": dbus.Array([SOAP_SERVICE], signature="s"), "Transport": "le"})
    # Then another client sets its own filter: filters are per client, so it must not change
    # what this client's discovery finds.
    other = dbus.bus.BusConnection(os.environ["DBUS_SYSTEM_BUS_ADDRESS"])
    dbus.Interface(other.get_object(BLUEZ, adapter_path), ADAPTER).SetDiscoveryFilter(
        {"UUIDs": dbus.Array([LIGHT_SERVICE], signature="s")}
    )

    found = {}

    def interfaces_added(path, interfaces):
        if DEVICE in interfaces and SOAP_SERVICE in [str(u) for u in interfaces[DEVICE].get("UUIDs", [])]:
            found[str(path)] = interfaces[DEVICE]

    bus.add_signal_receiver(interfaces_added, dbus_interface=OBJECT_MANAGER, signal_name="InterfacesAdded")
    adapter.StartDiscovery()
    for path, ifaces in objects(bus).items():
        interfaces_added(path, ifaces)
    wait_until(loop, lambda: found, "the soap dispenser in a scan")
    adapter.StopDiscovery()
    others = [p for p, i in objects(bus).items() if DEVICE in i and p not in found]
    if others:
        fail(f"the discovery filter let other devices through: {others}")
    device_path = next(iter(found))
    say(f"found {found[device_path]['Name']} rssi {int(found[device_path]['RSSI'])}")

    # A new discovery session announces the known device again, with a fresh RSSI.
    announced = []

    def device_changed(interface, changed, _invalidated):
        if interface == DEVICE and "RSSI" in changed:
            announced.append(int(changed["RSSI"]))

    bus.add_signal_receiver(
        device_changed, dbus_interface=PROPERTIES, signal_name="PropertiesChanged", path=device_path
    )
    adapter.StartDiscovery()
    wait_until(loop, lambda: announced, "the device announced again in a new discovery session")
    adapter.StopDiscovery()
    say(f"announced again rssi {announced[0]}")

    device = bus.get_object(BLUEZ, device_path)
    device_props = dbus.Interface(device, PROPERTIES)
    dbus.Interface(device, DEVICE).Pair()
    device_props.Set(DEVICE, "Trusted", dbus.Boolean(True))
    if not (device_props.Get(DEVICE, "Paired") and device_props.Get(DEVICE, "Trusted")):
        fail("Pair and Trusted did not stick")
    dbus.Interface(device, DEVICE).Connect()
    wait_until(loop, lambda: bool(device_props.Get(DEVICE, "ServicesResolved")), "services resolved")
    say("connected")

    characteristics = {}
    descriptors = []
    for path, ifaces in objects(bus).items():
        if not str(path).startswith(device_path):
            continue
        if CHARACTERISTIC in ifaces:
            characteristics[str(ifaces[CHARACTERISTIC]["UUID"])] = (path, ifaces[CHARACTERISTIC])
        if DESCRIPTOR in ifaces:
            descriptors.append(ifaces[DESCRIPTOR])
    for uuid in (IDENTITY, PAIRING, SESSION):
        if uuid not in characteristics:
            fail(f"no characteristic {uuid}")
    if int(characteristics[SESSION][1].get("MTU", 0)) < 231:
        fail("GattCharacteristic1.MTU is below the profile's minimum of 231")
    if not any(str(d["UUID"]) == CCCD for d in descriptors):
        fail("no Client Characteristic Configuration descriptor under a notifying characteristic")

    def char(uuid):
        return dbus.Interface(bus.get_object(BLUEZ, characteristics[uuid][0]), CHARACTERISTIC)

    identity = bytes(char(IDENTITY).ReadValue({}))
    if len(identity) != 20 or identity[0] != steward.VERSION or identity[1] != SOAP_DISPENSER:
        fail(f"identity {identity.hex()} is not a version-2 soap dispenser")
    device_id = identity[2:18]
    say("identity " + device_id.hex())

    try:
        char(SESSION).AcquireNotify({})
        fail("AcquireNotify should be refused so that clients fall back to StartNotify")
    except dbus.exceptions.DBusException as error:
        if error.get_dbus_name() != "org.bluez.Error.NotSupported":
            fail(f"AcquireNotify refused with {error.get_dbus_name()}, not NotSupported")

    # Notifications by characteristic, in arrival order; Notifying as signalled.
    received = {PAIRING: [], SESSION: []}
    notifying = set()

    def listener(uuid):
        def properties_changed(interface, changed, _invalidated):
            if interface != CHARACTERISTIC:
                return
            if changed.get("Notifying"):
                notifying.add(uuid)
            if "Value" in changed:
                received[uuid].append(bytes(changed["Value"]))
        return properties_changed

    for uuid in (PAIRING, SESSION):
        bus.add_signal_receiver(
            listener(uuid), dbus_interface=PROPERTIES, signal_name="PropertiesChanged",
            path=characteristics[uuid][0],
        )
        char(uuid).StartNotify()
    wait_until(loop, lambda: notifying == {PAIRING, SESSION}, "Notifying to be signalled")
    say("listening")

    def next_from(uuid, what):
        wait_until(loop, lambda: received[uuid], what)
        return received[uuid].pop(0)

    def pairing_exchange(frame, what):
        char(PAIRING).WriteValue(dbus.ByteArray(frame), {"type": "request"})
        kind, body = steward.parse_pairing(next_from(PAIRING, what))
        return kind, body

    # Pairing: SPAKE2 (python-spake2) with key confirmation, then the long-term keys.
    code = sys.argv[1].encode()
    pake = SPAKE2_A(code, idA=b"steward phone", idB=device_id)
    start = pake.start()
    kind, body = pairing_exchange(steward.pairing_frame(steward.PAKE_START, start), "the PAKE reply")
    if kind != steward.PAKE_REPLY or len(body) != 65:
        fail(f"expected a PAKE reply, got type {kind} {body.hex()}")
    reply, device_confirm = body[:33], body[33:]
    keys = steward.pake_keys(pake.finish(reply), device_id, start, reply)
    if steward.confirmation(keys["device"], keys["transcript"]) != device_confirm:
        fail("the device's confirmation does not verify: python-spake2 and the device disagree")
    phone_key = X25519PrivateKey.generate()
    confirm = steward.confirmation(keys["phone"], keys["transcript"])
    sealed = steward.seal_public_key(keys["pairing"], "phone", device_id, steward.raw_public(phone_key))
    kind, body = pairing_exchange(steward.pairing_frame(steward.PAKE_CONFIRM, confirm + sealed), "PairedWith")
    if kind != steward.PAIRED_WITH:
        fail(f"expected PairedWith, got type {kind} {body.hex()}")
    device_key = steward.open_public_key(keys["pairing"], "device", device_id, body)
    say("paired")

    # Pair-verify: Noise IK, then the session.
    handshake = steward.PhoneHandshake(phone_key, device_key, device_id)
    kind, body = pairing_exchange(steward.pairing_frame(steward.VERIFY_START, handshake.start()), "VerifyReply")
    if kind != steward.VERIFY_REPLY:
        fail(f"expected VerifyReply, got type {kind} {body.hex()}")
    session, boot_id, last_seq = handshake.finish(body)
    say(f"session boot {boot_id.hex()} last {last_seq}")

    def send(plaintext):
        char(SESSION).WriteValue(dbus.ByteArray(session.seal(plaintext)), {"type": "request"})

    def next_message(what):
        plaintext = session.open(next_from(SESSION, what))
        return plaintext[0], plaintext[1:]

    send(bytes([steward.READY]))
    seen = {}
    while not (steward.BATTERY in seen and steward.STATE in seen):
        channel, body = next_message("the battery and state after Ready")
        seen[channel] = body
    say(f"battery {seen[steward.BATTERY][0]} state {seen[steward.STATE].hex()}")

    say("subscribed")
    while True:
        channel, body = next_message("an event")
        if channel == steward.EVENT:
            break
    if body[0] != steward.VERSION or body[5] != 0x01:
        fail(f"event {body.hex()} is not a version-2 packet dispensed")
    seq = struct.unpack("<I", body[1:5])[0]
    remaining = struct.unpack("<H", body[6:8])[0]
    say(f"event {seq} packet dispensed, {remaining} left")

    # A command, confirmed by its result before what it caused.
    refill = bytes([steward.VERSION]) + struct.pack("<H", 7) + bytes([0x40]) + struct.pack("<H", 1)
    send(bytes([steward.COMMAND]) + refill)
    channel, body = next_message("the command's result")
    while channel == steward.STATE:  # the dispensed packet's own state snapshot, still arriving
        channel, body = next_message("the command's result")
    if channel != steward.RESULT or body != bytes([steward.VERSION]) + struct.pack("<H", 7) + b"\x00":
        fail(f"expected result 7 done, got channel {channel} {body.hex()}")
    say("commanded")

    for uuid in (PAIRING, SESSION):
        char(uuid).StopNotify()
    dbus.Interface(device, DEVICE).Disconnect()
    adapter.RemoveDevice(device_path)
    if device_path in [str(p) for p in objects(bus)]:
        fail("RemoveDevice left the device object behind")
    say("removed")


if __name__ == "__main__":
    try:
        main()
    except steward.ProtocolError as error:
        fail(str(error))

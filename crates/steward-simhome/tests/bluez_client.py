"""A BlueZ client that is not btleplug: dbus-python with GLib, written the way BlueZ's own
test scripts are (bluez/test/example-gatt-client). It drives the simulated home through the
standard org.bluez API only, to show that any BlueZ client can use it, as the GATT profile spec
(docs/protocol/gatt.md) says an independent implementation can.

Run by tests/other_client.rs with DBUS_SYSTEM_BUS_ADDRESS pointing at the simulated home's bus.
It prints one line per step; after "subscribed" the Rust side makes the device dispense, and
the script waits for that event's notification. Any failure exits non-zero with the reason.
"""

import os
import sys

import dbus
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
EVENTS = steward_uuid(0x1005)
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
            return False
        return True

    def give_up():
        fail(f"timed out waiting for {what}")

    GLib.timeout_add(20, poll)
    timer = GLib.timeout_add(TIMEOUT_MS, give_up)
    if not check():
        loop.run()
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
    for uuid in (IDENTITY, EVENTS):
        if uuid not in characteristics:
            fail(f"no characteristic {uuid}")
    if "MTU" not in characteristics[EVENTS][1]:
        fail("GattCharacteristic1 lacks MTU")
    if not any(str(d["UUID"]) == CCCD for d in descriptors):
        fail("no Client Characteristic Configuration descriptor under a notifying characteristic")

    identity_path = characteristics[IDENTITY][0]
    identity = bytes(dbus.Interface(bus.get_object(BLUEZ, identity_path), CHARACTERISTIC).ReadValue({}))
    if len(identity) < 18 or identity[0] != 1 or identity[1] != SOAP_DISPENSER:
        fail(f"identity {identity.hex()} is not a version-1 soap dispenser")
    say("identity " + identity[2:18].hex())

    events_path = characteristics[EVENTS][0]
    events = bus.get_object(BLUEZ, events_path)
    events_char = dbus.Interface(events, CHARACTERISTIC)
    try:
        events_char.AcquireNotify({})
        fail("AcquireNotify should be refused so that clients fall back to StartNotify")
    except dbus.exceptions.DBusException as error:
        if error.get_dbus_name() != "org.bluez.Error.NotSupported":
            fail(f"AcquireNotify refused with {error.get_dbus_name()}, not NotSupported")

    changes = []

    def properties_changed(interface, changed, _invalidated):
        if interface == CHARACTERISTIC:
            changes.append(dict(changed))

    bus.add_signal_receiver(
        properties_changed, dbus_interface=PROPERTIES, signal_name="PropertiesChanged", path=events_path
    )
    events_char.StartNotify()
    wait_until(loop, lambda: any(c.get("Notifying") for c in changes), "Notifying to be signalled")
    say("subscribed")

    def notified():
        return [bytes(c["Value"]) for c in changes if "Value" in c]

    wait_until(loop, notified, "an event notification")
    event = notified()[0]
    if event[0] != 1:
        fail(f"event {event.hex()} is not a version-1 frame")
    say("notified " + event.hex())

    events_char.StopNotify()
    dbus.Interface(device, DEVICE).Disconnect()
    adapter.RemoveDevice(device_path)
    if device_path in [str(p) for p in objects(bus)]:
        fail("RemoveDevice left the device object behind")
    say("removed")


if __name__ == "__main__":
    main()

// The devices' live state and the add-device flow. Screens read it; only this store calls the
// backend for devices.
import {
  BackendError,
  messageOf,
  type Backend,
  type BluetoothView,
  type CommandInput,
  type ConsentPromptView,
  type DeviceDetailView,
  type LabelView,
  type SentView,
  type FoundDeviceView,
} from '../backend';

export class DevicesStore {
  /** Live details by device id, as last read or announced. */
  details = $state<Record<string, DeviceDetailView>>({});
  found = $state<FoundDeviceView[]>([]);
  scanning = $state(false);
  scanError = $state<string | null>(null);
  /** Whether Bluetooth can be used; `null` until the core has said. */
  bluetooth = $state<BluetoothView | null>(null);
  /** What the owner should know after a device was removed; shown on Home until dismissed. */
  notice = $state<string | null>(null);
  /** The owner tapped Scan before the phone asked them about Bluetooth: the reason shows. */
  askingBluetooth = $state(false);

  constructor(private readonly backend: Backend) {}

  /** Follows the core's device and Bluetooth announcements. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    const stopDevices = await this.backend.onDeviceChanged((device) => {
      this.details[device.id] = device;
    });
    const stopBluetooth = await this.backend.onBluetoothChanged((bluetooth) => {
      this.bluetooth = bluetooth;
      // A message about Bluetooth being off is stale once it is back; devices found before it
      // went off cannot be reached, so they are not offered for pairing.
      if (bluetooth.state === 'on') this.scanError = null;
      else this.found = [];
    });
    await this.refreshBluetooth();
    // Coming back to the app (from the quick settings, say) is when Bluetooth may have changed
    // on a platform that does not announce it (Android).
    const onVisible = () => {
      if (document.visibilityState === 'visible') void this.refreshBluetooth();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopDevices();
      stopBluetooth();
      document.removeEventListener('visibilitychange', onVisible);
    };
  }

  /** Reads whether Bluetooth can be used now. */
  async refreshBluetooth(): Promise<void> {
    try {
      this.bluetooth = await this.backend.bluetooth();
    } catch {
      // Leaves the last known state: a failed read says nothing about the radio.
    }
  }

  /** Scans; when the phone must first ask the owner, shows the reason instead (see `allow`). */
  async scan(): Promise<void> {
    if (this.bluetooth?.state === 'permissionNeeded') {
      this.askingBluetooth = true;
      return;
    }
    this.scanning = true;
    this.scanError = null;
    try {
      this.found = await this.backend.scanDevices();
    } catch (error) {
      if (error instanceof BackendError && error.code === 'noBluetooth') {
        // The notice explains it where the owner looks; no second message under the list.
        await this.refreshBluetooth();
        if (this.bluetooth?.state !== 'on') return;
      }
      this.scanError = messageOf(error);
    } finally {
      this.scanning = false;
    }
  }

  /** The owner read why and chose to go on: the system's question, then the scan if allowed. */
  async allowBluetooth(): Promise<void> {
    this.askingBluetooth = false;
    try {
      this.bluetooth = await this.backend.requestBluetooth();
    } catch (error) {
      this.scanError = messageOf(error);
      return;
    }
    if (this.bluetooth.state === 'on') await this.scan();
    else if (this.bluetooth.state === 'permissionNeeded') {
      // Refused once: Android will ask once more, after the reason, if the owner taps Scan.
      this.scanError = 'Bluetooth was not allowed, so Steward cannot look for devices. Tap Scan to decide again.';
    }
  }

  /** The owner chose not to allow Bluetooth now; they can tap Scan again later. */
  notNow(): void {
    this.askingBluetooth = false;
  }

  /** Opens Steward's page in the system settings (after the owner refused). */
  async openBluetoothSettings(): Promise<void> {
    try {
      await this.backend.openBluetoothSettings();
    } catch (error) {
      this.scanError = messageOf(error);
    }
  }

  /** Removes a paired device; resolves to the reason it could not be, or null. */
  async remove(id: string): Promise<string | null> {
    try {
      const removed = await this.backend.removeDevice(id);
      delete this.details[id];
      this.notice = removed.message;
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Pairs; resolves to the new device, or to the reason it failed. */
  async pair(address: string, code: string, startingLevel: number | null = null): Promise<DeviceDetailView | string> {
    try {
      const device = await this.backend.pairDevice(address, code, startingLevel);
      this.details[device.id] = device;
      return device;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Loads a device's details; resolves to the reason on failure. */
  async load(id: string): Promise<string | null> {
    try {
      this.details[id] = await this.backend.deviceDetail(id);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** Sends a command; resolves to the reason it failed, or null once the device confirmed it. */
  async command(id: string, command: CommandInput): Promise<string | null> {
    try {
      this.details[id] = await this.backend.deviceCommand(id, command);
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  /** The partners whose support may receive device diagnostics, to choose from. */
  supportPartners(): Promise<LabelView[]> {
    return this.backend.supportPartners();
  }

  /** What sending `id`'s diagnostics to `partnerId` would send. */
  diagnosticsPrompt(id: string, partnerId: string): Promise<ConsentPromptView> {
    return this.backend.diagnosticsPrompt(id, partnerId);
  }

  /** Sends `id`'s diagnostics to `partnerId`'s support; `allow` answers the prompt. */
  sendDiagnostics(id: string, partnerId: string, allow: boolean): Promise<SentView> {
    return this.backend.sendDiagnostics(id, partnerId, allow);
  }
}

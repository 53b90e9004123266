// The devices' live state and the add-device flow. Screens read it; only this store calls the
// backend for devices.
import { messageOf, type Backend, type CommandInput, type DeviceDetailView, type FoundDeviceView } from '../backend';

export class DevicesStore {
  /** Live details by device id, as last read or announced. */
  details = $state<Record<string, DeviceDetailView>>({});
  found = $state<FoundDeviceView[]>([]);
  scanning = $state(false);
  scanError = $state<string | null>(null);

  constructor(private readonly backend: Backend) {}

  /** Follows the core's device announcements. Returns an unsubscribe. */
  async start(): Promise<() => void> {
    return this.backend.onDeviceChanged((device) => {
      this.details[device.id] = device;
    });
  }

  async scan(): Promise<void> {
    this.scanning = true;
    this.scanError = null;
    try {
      this.found = await this.backend.scanDevices();
    } catch (error) {
      this.scanError = messageOf(error);
    } finally {
      this.scanning = false;
    }
  }

  /** Pairs; resolves to the new device, or to the reason it failed. */
  async pair(address: string, code: string): Promise<DeviceDetailView | string> {
    try {
      const device = await this.backend.pairDevice(address, code);
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
}

// An in-memory Backend for component tests: same contract as the core, no IPC. Devices behave
// like the simulated home's: a scan finds them, the right code pairs them, commands change state.
import {
  BackendError,
  type Backend,
  type CommandInput,
  type DeviceDetailView,
  type FoundDeviceView,
  type HomeView,
} from './index';

/** A device the memory backend can find, with the code that pairs it. */
export interface MemoryDevice {
  found: FoundDeviceView;
  code: string;
  detail: DeviceDetailView;
}

export class MemoryBackend implements Backend {
  state: HomeView;
  nearby: MemoryDevice[] = [];
  private paired = new Map<string, DeviceDetailView>();
  private listeners = new Set<(home: HomeView) => void>();
  private deviceListeners = new Set<(device: DeviceDetailView) => void>();
  /** When set, the next call fails with this error (then clears). */
  failNext: BackendError | null = null;

  constructor(initial: Partial<HomeView> = {}) {
    this.state = { householdName: null, devices: [], schemaVersion: 3, ...initial };
  }

  private check(): void {
    const failure = this.failNext;
    if (failure) {
      this.failNext = null;
      throw failure;
    }
  }

  async home(): Promise<HomeView> {
    this.check();
    return structuredClone(this.state);
  }

  async setHouseholdName(name: string): Promise<HomeView> {
    this.check();
    const trimmed = name.trim();
    if (!trimmed) {
      throw new BackendError('invalidInput', 'Household name: a name needs at least one visible character.');
    }
    this.state = { ...this.state, householdName: trimmed };
    for (const listener of this.listeners) listener(structuredClone(this.state));
    return structuredClone(this.state);
  }

  async onHomeChanged(listener: (home: HomeView) => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async scanDevices(): Promise<FoundDeviceView[]> {
    this.check();
    return this.nearby.map((d) => structuredClone(d.found));
  }

  async pairDevice(address: string, code: string): Promise<DeviceDetailView> {
    this.check();
    const device = this.nearby.find((d) => d.found.address === address);
    if (!device) throw new BackendError('invalidInput', 'That device is not in the last scan.');
    if (code.replace(/[\s-]/g, '') !== device.code.replace(/[\s-]/g, '')) {
      throw new BackendError('wrongCode', 'That setup code does not match this device.');
    }
    this.paired.set(device.detail.id, structuredClone(device.detail));
    this.state = {
      ...this.state,
      devices: [...this.state.devices, { id: device.detail.id, name: device.detail.name, kind: device.detail.kind }],
    };
    return structuredClone(device.detail);
  }

  async deviceDetail(id: string): Promise<DeviceDetailView> {
    this.check();
    const detail = this.paired.get(id);
    if (!detail) throw new BackendError('invalidInput', 'Steward does not know that device.');
    return structuredClone(detail);
  }

  async deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView> {
    this.check();
    const detail = this.paired.get(id);
    if (!detail) throw new BackendError('invalidInput', 'Steward does not know that device.');
    if (!detail.connected) throw new BackendError('outOfRange', 'The device is out of range or switched off.');
    const state = detail.state;
    if (state?.kind === 'light' && command.type === 'setPower') state.on = command.on;
    else if (state?.kind === 'light' && command.type === 'setBrightness') {
      state.brightness = command.percent;
      state.on = command.percent > 0;
    } else if (state?.kind === 'thermostat' && command.type === 'setTargetTemperature') {
      state.targetCentiCelsius = command.centiCelsius;
    } else if (state?.kind === 'soapDispenser' && command.type === 'refill') {
      state.remaining = Math.min(state.capacity, state.remaining + command.packets);
    } else if (command.type !== 'identify') {
      throw new BackendError('invalidInput', 'That device cannot do that.');
    }
    return structuredClone(detail);
  }

  async onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void> {
    this.deviceListeners.add(listener);
    return () => this.deviceListeners.delete(listener);
  }

  /** Simulates the core announcing a device change. */
  announce(id: string, change: Partial<DeviceDetailView>): void {
    const detail = this.paired.get(id);
    if (!detail) return;
    Object.assign(detail, change);
    for (const listener of this.deviceListeners) listener(structuredClone(detail));
  }
}

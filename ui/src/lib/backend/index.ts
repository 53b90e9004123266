// The one door to Tauri in the UI: screens and stores talk to a `Backend`, never to
// `@tauri-apps/*` directly. Only files in this folder import Tauri packages.
import type { CommandInput, DeviceDetailView, ErrorCode, FoundDeviceView, HomeView } from './bindings';

export type {
  ButtonView,
  CommandInput,
  DeviceDetailView,
  DeviceStateView,
  DeviceView,
  ErrorCode,
  FoundDeviceView,
  HomeView,
  ThermostatModeView,
} from './bindings';

/** What the UI may ask of the Rust core. */
export interface Backend {
  home(): Promise<HomeView>;
  setHouseholdName(name: string): Promise<HomeView>;
  /** Calls `listener` whenever the core announces a new home summary; resolves to an unsubscribe. */
  onHomeChanged(listener: (home: HomeView) => void): Promise<() => void>;
  scanDevices(): Promise<FoundDeviceView[]>;
  /** Pairs with a device from the last scan; `code` is the 8-digit setup code or the QR text. */
  pairDevice(address: string, code: string): Promise<DeviceDetailView>;
  deviceDetail(id: string): Promise<DeviceDetailView>;
  /** Sends a command; resolves to the device as it confirmed the command. */
  deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView>;
  /** Calls `listener` when a device connects, drops, or reports a new state. */
  onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void>;
}

/** A failed call: `code` lets the UI branch, `message` is written for a person. */
export class BackendError extends Error {
  readonly code: ErrorCode | 'unavailable';

  constructor(code: ErrorCode | 'unavailable', message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

/** The message to show a person for any failure. */
export function messageOf(error: unknown): string {
  if (error instanceof BackendError) return error.message;
  return 'Something went wrong inside Steward. Your data is unchanged; please try again.';
}

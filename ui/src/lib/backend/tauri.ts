// The Backend over Tauri's IPC, through the bindings generated from the Rust types.
import { commands, events, type ApiError } from './bindings';
import {
  BackendError,
  type Backend,
  type CommandInput,
  type DeviceDetailView,
  type FoundDeviceView,
  type HomeView,
} from './index';

/** What every generated command resolves to. */
type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiError).code === 'string' &&
    typeof (value as ApiError).message === 'string'
  );
}

function unwrap<T>(result: Result<T, ApiError>): T {
  if (result.status === 'ok') return result.data;
  const error: unknown = result.error;
  if (isApiError(error)) throw new BackendError(error.code, error.message);
  // Tauri itself rejects with a bare string (an unknown command, a permission refused).
  throw new BackendError('unavailable', `Steward's core refused the request: ${String(error)}`);
}

export class TauriBackend implements Backend {
  async home(): Promise<HomeView> {
    return unwrap(await commands.home());
  }

  async setHouseholdName(name: string): Promise<HomeView> {
    return unwrap(await commands.setHouseholdName(name));
  }

  async onHomeChanged(listener: (home: HomeView) => void): Promise<() => void> {
    return events.homeChanged.listen((event) => listener(event.payload));
  }

  async scanDevices(): Promise<FoundDeviceView[]> {
    return unwrap(await commands.scanDevices());
  }

  async pairDevice(address: string, code: string): Promise<DeviceDetailView> {
    return unwrap(await commands.pairDevice(address, code));
  }

  async deviceDetail(id: string): Promise<DeviceDetailView> {
    return unwrap(await commands.deviceDetail(id));
  }

  async deviceCommand(id: string, command: CommandInput): Promise<DeviceDetailView> {
    return unwrap(await commands.deviceCommand(id, command));
  }

  async onDeviceChanged(listener: (device: DeviceDetailView) => void): Promise<() => void> {
    return events.deviceChanged.listen((event) => listener(event.payload));
  }
}

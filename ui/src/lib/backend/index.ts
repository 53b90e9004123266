// The one door to Tauri in the UI: screens and stores talk to a `Backend`, never to
// `@tauri-apps/*` directly. Only files in this folder import Tauri packages.
import type { ErrorCode, HomeView } from './bindings';

export type { DeviceView, ErrorCode, HomeView } from './bindings';

/** What the UI may ask of the Rust core. */
export interface Backend {
  home(): Promise<HomeView>;
  setHouseholdName(name: string): Promise<HomeView>;
  /** Calls `listener` whenever the core announces a new home summary; resolves to an unsubscribe. */
  onHomeChanged(listener: (home: HomeView) => void): Promise<() => void>;
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

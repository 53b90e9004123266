// An in-memory Backend for component tests: same contract as the core, no IPC.
import { BackendError, type Backend, type HomeView } from './index';

export class MemoryBackend implements Backend {
  state: HomeView;
  private listeners = new Set<(home: HomeView) => void>();
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
}

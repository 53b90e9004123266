import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from './index';
import { TauriBackend } from './tauri';

afterEach(() => clearMocks());

describe('TauriBackend', () => {
  it('calls the generated commands with camelCase arguments and returns the data', async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return { householdName: 'Maple Street', devices: [], schemaVersion: 3 };
    });
    const home = await new TauriBackend().setHouseholdName('Maple Street');
    expect(home.householdName).toBe('Maple Street');
    expect(calls).toEqual([['set_household_name', { name: 'Maple Street' }]]);
  });

  it("turns the core's ApiError into a BackendError with its code and message", async () => {
    mockIPC(() => {
      throw { code: 'invalidInput', message: 'Household name: too long.' };
    });
    const failure = await new TauriBackend().setHouseholdName('x').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BackendError);
    expect(failure).toMatchObject({ code: 'invalidInput', message: 'Household name: too long.' });
  });

  it('reports a refusal by Tauri itself (a bare string) as unavailable', async () => {
    mockIPC(() => {
      throw 'home not allowed. Permissions associated with this command: allow-home';
    });
    const failure = await new TauriBackend().home().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect((failure as Error).message).toContain('not allowed');
  });
});

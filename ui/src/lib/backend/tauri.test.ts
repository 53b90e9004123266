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

  it('asks the maker and switches location use through the generated commands', async () => {
    const calls: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === 'set_location_use'
        ? { inUse: true, state: 'waiting', message: 'Waiting for your position.', atStores: [] }
        : { id: 7, partnerId: 'lumaview', partnerName: 'Lumaview', title: 'Getting to the disc menu', messages: [], awaitingReply: true };
    });
    const backend = new TauriBackend();
    const input = { partnerId: 'lumaview', topic: 'lumaview-disc-menu', message: 'Help', diagnosticsOf: 'aa03', allowDiagnostics: true };
    expect((await backend.askMaker(input)).id).toBe(7);
    await backend.sendSupportMessage(7, 'Again');
    expect((await backend.setLocationUse(true)).state).toBe('waiting');
    expect(calls).toEqual([
      ['ask_maker', { input }],
      ['send_support_message', { id: 7, message: 'Again' }],
      ['set_location_use', { on: true }],
    ]);
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

// Browser-test mode only (`vite build --mode browser-test`): answers Tauri's IPC in the page
// with `mockIPC`, so the real TauriBackend and generated bindings run in Chromium. Production
// builds never include this file.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { HomeView } from './bindings';

const state: HomeView = { householdName: null, devices: [], schemaVersion: 4 };

mockIPC(
  (cmd, args) => {
    switch (cmd) {
      case 'home':
        return structuredClone(state);
      case 'set_household_name': {
        const name = String((args as { name?: unknown }).name ?? '').trim();
        if (!name) {
          throw { code: 'invalidInput', message: 'Household name: a name needs at least one visible character.' };
        }
        state.householdName = name;
        return structuredClone(state);
      }
      case 'inventory':
        return { consumables: [] };
      case 'shopping_list':
        return { items: [] };
      case 'set_utc_offset':
        return null;
      case 'erase_household':
        if (String((args as { confirmation?: unknown }).confirmation ?? '').trim() !== 'ERASE') {
          throw { code: 'invalidInput', message: 'Type ERASE to confirm. Nothing was erased.' };
        }
        state.householdName = null;
        return structuredClone(state);
      case 'data_protection':
        return { inKeystore: true, message: 'It is encrypted, and the key is kept in the system keyring (Secret Service), not beside the data.' };
      case 'bluetooth':
        return { state: 'on', title: null, advice: null };
      default:
        throw `command ${cmd} not allowed`;
    }
  },
  { shouldMockEvents: true },
);

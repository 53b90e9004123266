import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend';
import { MemoryBackend } from '../backend/memory';
import { DevicesStore } from '../stores/devices.svelte';
import { HomeStore } from '../stores/home.svelte';
import { NavStore } from '../stores/nav.svelte';
import Home from './Home.svelte';

function renderHome(backend: MemoryBackend) {
  return render(Home, { props: { store: new HomeStore(backend), devices: new DevicesStore(backend), nav: new NavStore() } });
}

describe('Home screen', () => {
  it('shows what the core returned: an unnamed home with no devices', async () => {
    renderHome(new MemoryBackend({ schemaVersion: 7 }));
    expect(await screen.findByText('No devices paired yet.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Your home');
    expect(screen.getByTestId('schema-version').textContent).toContain('7');
  });

  it('lists paired devices by name', async () => {
    renderHome(
      new MemoryBackend({
        devices: [
          { id: 'a', name: 'Kitchen light', kind: 'light' },
          { id: 'b', name: 'Toaster', kind: 'toaster' },
        ],
      }),
    );
    const list = await screen.findByRole('list', { name: 'Paired devices' });
    const names = within(list)
      .getAllByRole('listitem')
      .map((item) => item.querySelector('.device-name')?.textContent);
    expect(names).toEqual(['Kitchen light', 'Toaster']);
  });

  it('renames the household and shows the new name from the core', async () => {
    const backend = new MemoryBackend();
    renderHome(backend);
    const input = await screen.findByLabelText('Give your home a name');
    await userEvent.type(input, '  Maple Street ');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved on this device.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Maple Street');
    expect(backend.state.householdName).toBe('Maple Street');
  });

  it('shows the reason a name was refused and keeps the form usable', async () => {
    renderHome(new MemoryBackend({ householdName: 'Before' }));
    const input = await screen.findByLabelText('Rename your home');
    await userEvent.type(input, '   ');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('at least one visible character');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Before');
  });

  it('shows the limit before it bites and clears the error once the name is changed', async () => {
    const backend = new MemoryBackend({ householdName: 'Before' });
    renderHome(backend);
    const input = await screen.findByLabelText('Rename your home');
    expect(screen.getByTestId('name-limit').textContent?.trim()).toBe('0 of 60 characters');
    await userEvent.type(input, 'x'.repeat(61));
    const limit = screen.getByTestId('name-limit');
    expect(limit.textContent?.trim()).toBe('61 of 60 characters');
    expect(limit.className).toBe('error');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('at most 60 characters (this one has 61)');
    expect(backend.state.householdName).toBe('Before');
    await userEvent.type(input, '{Backspace}');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved on this device.')).toBeTruthy();
    expect(backend.state.householdName).toBe('x'.repeat(60));
  });

  it('renders hostile text from the core as text, never as markup', async () => {
    renderHome(new MemoryBackend({ householdName: '<img src=x onerror=alert(1)>' }));
    const heading = await screen.findByRole('heading', { level: 1, name: '<img src=x onerror=alert(1)>' });
    expect(heading.querySelector('img')).toBeNull();
  });

  it('explains a failed load and recovers on retry', async () => {
    const backend = new MemoryBackend({ householdName: 'Recovered' });
    backend.failNext = new BackendError('storage', 'Steward could not read or save your data (disk full).');
    renderHome(backend);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('disk full');
    await userEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Recovered' })).toBeTruthy();
  });

  it('follows announcements from the core', async () => {
    const backend = new MemoryBackend();
    renderHome(backend);
    await screen.findByText('No devices paired yet.');
    await backend.setHouseholdName('Renamed elsewhere');
    expect(await screen.findByRole('heading', { level: 1, name: 'Renamed elsewhere' })).toBeTruthy();
  });
});

describe('Your data', () => {
  it('says the data is encrypted and where its key is kept', async () => {
    renderHome(new MemoryBackend());
    const said = await screen.findByTestId('data-protection');
    expect(said.textContent).toContain('system keyring');
    expect(said.className).toBe('state');
  });

  it('warns, in plain words, when there is no keyring and the key is in a file', async () => {
    const backend = new MemoryBackend();
    backend.protection = {
      inKeystore: false,
      message: 'It is encrypted, but this system has no keyring to keep the key in, so the key is in a file only your account can read (/home/owner/.local/share/steward/keys).',
    };
    renderHome(backend);
    const said = await screen.findByTestId('data-protection');
    expect(said.textContent).toContain('no keyring');
    expect(said.className).toBe('warning');
  });

  it('exports everything, says where the file is in words, and shows it on request', async () => {
    const backend = new MemoryBackend();
    renderHome(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Export everything' }));
    expect((await screen.findByTestId('export-path')).textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Saved as steward-export-1.json in /home/owner/Documents/Steward. Only you can read it; keep it somewhere safe.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Show the file' }));
    expect(backend.shown, 'the file the owner just saved is shown').toEqual(['steward-export-1.json']);

    backend.exports = [];
    await userEvent.click(screen.getByRole('button', { name: 'Show the file' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no longer on this device');
  });

  it('erases only after the confirmation word is typed', async () => {
    const backend = new MemoryBackend({ householdName: 'Maple Street' });
    renderHome(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Erase everything…' }));
    await userEvent.type(screen.getByLabelText(/Type ERASE to confirm/), 'yes');
    await userEvent.click(screen.getByRole('button', { name: 'Erase' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Nothing was erased');
    expect(backend.state.householdName).toBe('Maple Street');
    const input = screen.getByLabelText(/Type ERASE to confirm/);
    await userEvent.clear(input);
    await userEvent.type(input, 'ERASE');
    await userEvent.click(screen.getByRole('button', { name: 'Erase' }));
    expect(await screen.findByText('Everything was erased from this device, earlier exports included.')).toBeTruthy();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Your home');
  });
});

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { NavStore } from '../stores/nav.svelte';
import { NotificationsStore } from '../stores/notifications.svelte';
import NotificationPrompt from './NotificationPrompt.svelte';

const REASON =
  'Steward has something to tell you: “Dish soap is running low”. Allow notifications so that help, reminders and a few offers reach you when they matter.';

// jsdom has no ResizeObserver, which Svelte uses to follow the prompt's height.
if (!('ResizeObserver' in globalThis)) {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
}

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  stop = null;
});

async function renderPrompt(backend = new MemoryBackend()) {
  const notifications = new NotificationsStore(backend, new NavStore());
  stop = await notifications.start();
  render(NotificationPrompt, { props: { notifications } });
  return { backend, notifications };
}

const prompt = () => screen.queryByRole('region', { name: 'Notifications' });

describe('The question before notifying', () => {
  it('is not there until the core has something to say', async () => {
    await renderPrompt();
    expect(prompt()).toBeNull();
  });

  it('appears with the core’s reason, and Allow asks the system then goes', async () => {
    const { backend, notifications } = await renderPrompt();
    backend.askForPermission(REASON);
    const region = await screen.findByRole('region', { name: 'Notifications' });
    expect(within(region).getByText(REASON)).toBeTruthy();
    const allow = within(region).getByRole('button', { name: 'Allow notifications' });
    const notNow = within(region).getByRole('button', { name: 'Not now' });
    // Neither answer is pushed: both look alike.
    expect(allow.className).toBe(notNow.className);
    await userEvent.click(allow);
    await waitFor(() => expect(prompt()).toBeNull());
    expect(backend.notifyPermission.state).toBe('granted');
    expect(notifications.permission?.state).toBe('granted');
    expect(notifications.asking).toBeNull();
  });

  it('shows the reason as text, never as markup', async () => {
    const { backend } = await renderPrompt();
    backend.askForPermission('<img src=x onerror="alert(1)">Soap is low');
    const region = await screen.findByRole('region', { name: 'Notifications' });
    expect(region.querySelector('img')).toBeNull();
    expect(within(region).getByText('<img src=x onerror="alert(1)">Soap is low')).toBeTruthy();
  });

  it('goes on Not now, and nothing is asked of the system', async () => {
    const { backend, notifications } = await renderPrompt();
    backend.askForPermission(REASON);
    await userEvent.click(await screen.findByRole('button', { name: 'Not now' }));
    await waitFor(() => expect(prompt()).toBeNull());
    expect(backend.notifyPermission.state).toBe('ask');
    expect(notifications.permission?.message).toBe('You chose not to be notified for now. Everything still arrives in your inbox.');
  });

  it('says what it means when the system says no, until read', async () => {
    const backend = new MemoryBackend();
    backend.systemAnswer = 'denied';
    await renderPrompt(backend);
    backend.askForPermission(REASON);
    await userEvent.click(await screen.findByRole('button', { name: 'Allow notifications' }));
    const region = await screen.findByRole('region', { name: 'Notifications' });
    expect(within(region).getByText(/^Notifications are off for Steward\. Everything still arrives in your inbox;/)).toBeTruthy();
    expect(within(region).queryByRole('button', { name: 'Allow notifications' })).toBeNull();
    const ok = within(region).getByRole('button', { name: 'OK' });
    await waitFor(() => expect(document.activeElement).toBe(ok));
    await userEvent.click(ok);
    await waitFor(() => expect(prompt()).toBeNull());
  });
});

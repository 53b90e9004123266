import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { NavStore } from './nav.svelte';
import { NotificationsStore, screenFor } from './notifications.svelte';

const target = (kind: string, rest: Partial<{ partnerId: string; itemId: string; consumableId: number; deviceId: string }> = {}) => ({
  kind,
  partnerId: rest.partnerId ?? null,
  itemId: rest.itemId ?? null,
  consumableId: rest.consumableId ?? null,
  deviceId: rest.deviceId ?? null,
});

describe('what a tapped notification opens', () => {
  it('is the screen for what it names', () => {
    expect(screenFor(target('tutorial', { partnerId: 'lumaview', itemId: 'lumaview-disc-menu' }))).toEqual({
      name: 'tutorial',
      partnerId: 'lumaview',
      itemId: 'lumaview-disc-menu',
    });
    expect(screenFor(target('offer', { partnerId: 'sudsy', itemId: 'sudsy-soap-15' }))).toEqual({ name: 'offers' });
    expect(screenFor(target('consumable', { consumableId: 0 }))).toEqual({ name: 'consumable', id: 0 });
    expect(screenFor(target('device', { deviceId: 'aa01' }))).toEqual({ name: 'device', id: 'aa01' });
  });

  it('is nothing when the notification does not say enough', () => {
    expect(screenFor(target('tutorial', { partnerId: 'lumaview' }))).toBeNull();
    expect(screenFor(target('consumable'))).toBeNull();
    expect(screenFor(target('device'))).toBeNull();
    expect(screenFor(target('weather'))).toBeNull();
  });

  it('is followed when the core says a notification was tapped', async () => {
    const backend = new MemoryBackend();
    const nav = new NavStore();
    const notifications = new NotificationsStore(backend, nav);
    const stop = await notifications.start();

    backend.tapNotification(target('tutorial', { partnerId: 'lumaview', itemId: 'lumaview-disc-menu' }));
    expect(nav.screen).toEqual({ name: 'tutorial', partnerId: 'lumaview', itemId: 'lumaview-disc-menu' });
    expect(notifications.focusItem).toBeNull();

    backend.tapNotification(target('consumable', { consumableId: 7 }));
    expect(nav.screen).toEqual({ name: 'consumable', id: 7 });

    backend.tapNotification(target('offer', { partnerId: 'sudsy', itemId: 'sudsy-soap-15' }));
    expect(nav.screen).toEqual({ name: 'offers' });
    expect(notifications.focusItem).toEqual({ partnerId: 'sudsy', itemId: 'sudsy-soap-15' });

    // One the app cannot open leaves the owner where they are.
    backend.tapNotification(target('weather'));
    expect(nav.screen).toEqual({ name: 'offers' });

    stop();
    backend.tapNotification(target('device', { deviceId: 'aa01' }));
    expect(nav.screen).toEqual({ name: 'offers' });
  });

  it('follows the core’s question about permission', async () => {
    const backend = new MemoryBackend();
    const notifications = new NotificationsStore(backend, new NavStore());
    const stop = await notifications.start();
    expect(notifications.permission?.state).toBe('granted');
    backend.askForPermission('Steward has something to tell you.');
    expect(notifications.asking).toEqual({ state: 'ask', reason: 'Steward has something to tell you.', message: null });
    expect(await notifications.answer(false)).toBeNull();
    expect(notifications.asking).toBeNull();
    stop();
  });
});

import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BackendError, type NotificationEntryView } from '../backend';
import { MemoryBackend } from '../backend/memory';
import { InventoryStore } from '../stores/inventory.svelte';
import { LocationStore } from '../stores/location.svelte';
import { NavStore } from '../stores/nav.svelte';
import { NotificationsStore } from '../stores/notifications.svelte';
import { OffersStore } from '../stores/offers.svelte';
import { PrivacyStore } from '../stores/privacy.svelte';
import Notifications from './Notifications.svelte';
import Offers from './Offers.svelte';
import Privacy from './Privacy.svelte';

function renderScreen(backend = new MemoryBackend()) {
  const nav = new NavStore();
  const notifications = new NotificationsStore(backend, nav);
  const location = new LocationStore(backend);
  const offers = new OffersStore(backend);
  render(Notifications, { props: { notifications, location, offers, nav } });
  return { backend, nav, notifications, location, offers };
}

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement;
const settings = () => screen.getByRole('form', { name: 'What may notify you' });

async function typeInto(label: string, value: string) {
  await userEvent.clear(field(label));
  if (value !== '') await userEvent.type(field(label), value);
}

describe('Notifications screen', () => {
  it('loads the settings the core keeps', async () => {
    renderScreen();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Notifications');
    await screen.findByRole('form', { name: 'What may notify you' });
    expect(field('Offers a day, from all brands').value).toBe('3');
    expect(field('From any one brand').value).toBe('1');
    expect((screen.getByRole('switch', { name: /Quiet hours/ }) as HTMLInputElement).checked).toBe(true);
    expect(field('From').value).toBe('22:00');
    expect(field('Until').value).toBe('07:00');
    for (const name of [/Your reminders/, /Help from makers/, /^Offers/]) {
      const channel = within(settings()).getByRole('switch', { name }) as HTMLInputElement;
      expect(channel.checked).toBe(true);
      expect(channel.disabled).toBe(false);
    }
    // Device alerts cannot be switched off, and the screen says why.
    const alerts = screen.getByRole('switch', { name: /Device alerts/ }) as HTMLInputElement;
    expect(alerts.checked).toBe(true);
    expect(alerts.disabled).toBe(true);
    expect(alerts.getAttribute('aria-describedby')).toBe('device-alerts-why');
    expect(document.getElementById('device-alerts-why')?.textContent).toContain(
      'Device alerts are always shown: a device that needs you is never held back',
    );
    expect(screen.getByText('Notifications are on for Steward, within the limits below.')).toBeTruthy();
  });

  it('saves new limits, quiet hours switched off as none, and a channel off', async () => {
    const { backend } = renderScreen();
    await screen.findByRole('form', { name: 'What may notify you' });
    await typeInto('Offers a day, from all brands', '5');
    await typeInto('From any one brand', '2');
    await userEvent.click(screen.getByRole('switch', { name: /Quiet hours/ }));
    expect(screen.queryByLabelText('From')).toBeNull();
    await userEvent.click(within(settings()).getByRole('switch', { name: /^Offers/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await within(settings()).findByRole('status')).textContent).toBe('Saved');
    expect(backend.notifySettings).toEqual({
      dailyOfferBudget: 5,
      perBrandCap: 2,
      quietFrom: null,
      quietUntil: null,
      reminders: true,
      tutorials: true,
      offers: false,
    });
    // Quiet hours on again: the usual night, changed to end later.
    await userEvent.click(screen.getByRole('switch', { name: /Quiet hours/ }));
    expect(within(settings()).queryByRole('status')).toBeNull();
    expect(field('From').value).toBe('22:00');
    await fireEvent.input(field('Until'), { target: { value: '08:30' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await within(settings()).findByRole('status');
    expect(backend.notifySettings.quietFrom).toBe('22:00');
    expect(backend.notifySettings.quietUntil).toBe('08:30');
  });

  it('shows the core’s refusal beside Save, on the field it is about, and keeps what was kept', async () => {
    const { backend } = renderScreen();
    await screen.findByRole('form', { name: 'What may notify you' });
    await typeInto('From any one brand', '4');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await within(settings()).findByRole('alert');
    expect(alert.textContent).toBe('Offers a day from one brand: no more than offers a day in all.');
    expect(field('From any one brand').getAttribute('aria-invalid')).toBe('true');
    expect(field('From any one brand').getAttribute('aria-describedby')).toBe(alert.id);
    expect(backend.notifySettings.perBrandCap).toBe(1);

    // Editing clears the message; the next refusal is the core's too.
    await typeInto('Offers a day, from all brands', '25');
    expect(within(settings()).queryByRole('alert')).toBeNull();
    await typeInto('From any one brand', '1');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await within(settings()).findByRole('alert')).textContent).toBe('Offers a day: at most 20.');
    expect(field('Offers a day, from all brands').getAttribute('aria-invalid')).toBe('true');

    // An empty field is asked about, not sent.
    await typeInto('Offers a day, from all brands', '');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await within(settings()).findByRole('alert')).textContent).toContain('Offers a day: enter a whole number');
    expect(backend.notifySettings.dailyOfferBudget).toBe(3);
  });

  it('lists what Steward decided, newest first, with when, what and why', async () => {
    const backend = new MemoryBackend();
    const now = Math.floor(Date.now() / 1000);
    const entry = (ago: number, channel: string, title: string, outcome: string, words: string): NotificationEntryView => ({
      at: now - ago,
      channel,
      title,
      outcome,
      words,
    });
    backend.notifyHistory = [
      entry(600, 'tutorials', 'Lumaview: Getting to the disc menu', 'held', 'held until 07:00: quiet hours'),
      entry(60, 'offers', 'Cornerway own-brand dish soap', 'inbox', "in your inbox, not notified: today's limit of 3 offers"),
      entry(3 * 86_400, 'reminders', '<b>Dish soap</b> is running low', 'shown', 'shown'),
    ];
    renderScreen(backend);
    const list = await screen.findByRole('list', { name: 'What Steward decided' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.title')?.textContent)).toEqual([
      'Cornerway own-brand dish soap',
      'Lumaview: Getting to the disc menu',
      '<b>Dish soap</b> is running low',
    ]);
    const [limit, held, shown] = items as [HTMLElement, HTMLElement, HTMLElement];
    const head = (li: HTMLElement) => li.querySelector('.head')?.textContent?.replace(/\s+/g, ' ').trim();
    expect(head(limit)).toMatch(/^(Today|Yesterday) \d.* · Offers$/);
    expect(limit.querySelector('time')?.getAttribute('datetime')).toBe(new Date((now - 60) * 1000).toISOString());
    expect(within(limit).getByText('Not notified')).toBeTruthy();
    expect(within(limit).getByText(/In your inbox, not notified: today's limit of 3 offers\./)).toBeTruthy();
    expect(within(held).getByText('Held back')).toBeTruthy();
    expect(within(held).getByText(/Held until 07:00: quiet hours\./)).toBeTruthy();
    expect(head(held)).toMatch(/ · Help from makers$/);
    expect(within(shown).getByText('Notified')).toBeTruthy();
    expect(head(shown)).toMatch(/^\w{3} \d+|^\d+ \w{3}/);
    // A title is text, never markup.
    expect(shown.querySelector('b')).toBeNull();
  });

  it('says so when nothing has been decided yet', async () => {
    renderScreen();
    expect(
      await screen.findByText('Nothing yet: when Steward has something to tell you, what it decided and why appears here.'),
    ).toBeTruthy();
  });

  it('asks for permission with the reason, and says what a refusal by the system means', async () => {
    const backend = new MemoryBackend();
    backend.notifyPermission = { state: 'ask', reason: 'Steward has something to tell you: “Dish soap is running low”.', message: null };
    backend.systemAnswer = 'denied';
    const { notifications } = renderScreen(backend);
    expect(await screen.findByText('Steward has something to tell you: “Dish soap is running low”.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Allow notifications' }));
    expect(
      await screen.findByText(/^Notifications are off for Steward\. Everything still arrives in your inbox;/),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Allow notifications' })).toBeNull();
    expect(notifications.permission?.state).toBe('denied');
    // Focus stays on the screen, on what changed.
    await waitFor(() => expect(document.activeElement?.classList.contains('permission')).toBe(true));
  });

  it('turns notifications on when the system agrees', async () => {
    const backend = new MemoryBackend();
    backend.notifyPermission = { state: 'ask', reason: null, message: null };
    renderScreen(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Allow notifications' }));
    expect(await screen.findByText('Notifications are on for Steward, within the limits below.')).toBeTruthy();
    expect(backend.notifyPermission.state).toBe('granted');
  });

  it('goes back to offers', async () => {
    const { nav } = renderScreen();
    await userEvent.click(screen.getByRole('button', { name: '← Offers and help' }));
    expect(nav.screen).toEqual({ name: 'offers' });
  });
});

describe('Store offers near you', () => {
  const region = () => screen.getByRole('region', { name: 'Store offers near you' });
  const useLocation = () => within(region()).getByRole('switch', { name: /Use my location/ }) as HTMLInputElement;
  const said = () => within(region()).getByRole('status').textContent?.replace(/\s+/g, ' ').trim();

  it('switches location use with the reason given, says where it stands, and follows the core', async () => {
    const backend = new MemoryBackend();
    backend.positionAfterMs = null;
    const { location } = renderScreen(backend);
    const stop = await location.start();
    await screen.findByRole('switch', { name: /Use my location/ });
    expect(useLocation().checked, 'off until the owner switches it on').toBe(false);
    const why = (document.getElementById(useLocation().getAttribute('aria-describedby') ?? '')?.textContent ?? '').replace(/\s+/g, ' ');
    expect(why).toContain('Steward notices when you are at a store that has an offer for you.');
    expect(why).toContain('Your position stays on this phone unless you allow a brand to receive it in Privacy.');
    expect(said()).toBe('Location is off: store offers do not come, and search asks you for a place.');

    await userEvent.click(useLocation());
    await waitFor(() => expect(said()).toBe('Waiting for your position.'));
    expect(useLocation().checked).toBe(true);
    expect(backend.locationView.inUse).toBe(true);

    // The core's announcements: a first position, a store reached, the service gone.
    backend.positionFound();
    await waitFor(() => expect(said()).toMatch(/^Steward uses your position on this phone to notice when you are at a store\./));
    backend.arriveAt(['Cornerway Alexanderplatz']);
    await waitFor(() => expect(said()).toContain('You are at: Cornerway Alexanderplatz'));
    backend.loseLocation('the location service stopped');
    await waitFor(() => expect(said()).toBe('Steward cannot learn where you are: the location service stopped. Store offers wait until it can.'));
    expect(said()).not.toContain('You are at');

    await userEvent.click(useLocation());
    await waitFor(() => expect(said()).toBe('Location is off: store offers do not come, and search asks you for a place.'));
    expect(useLocation().checked).toBe(false);
    expect(backend.locationView.inUse).toBe(false);
    stop();
  });

  it('shows a refusal in an alert and leaves the switch as it was', async () => {
    const backend = new MemoryBackend();
    renderScreen(backend);
    await screen.findByRole('switch', { name: /Use my location/ });
    backend.failNext = new BackendError('storage', 'Steward could not keep that setting. Nothing was changed; please try again.');
    await userEvent.click(useLocation());
    expect((await within(region()).findByRole('alert')).textContent).toBe(
      'Steward could not keep that setting. Nothing was changed; please try again.',
    );
    expect(useLocation().checked).toBe(false);
    expect(backend.locationView.inUse).toBe(false);
  });
});

describe('Brands', () => {
  const region = () => screen.getByRole('region', { name: 'Brands' });
  const brand = (name: string) => within(region()).getByRole('switch', { name: new RegExp(`^${name} `) }) as HTMLInputElement;
  const stateOf = (name: string) => brand(name).closest('label')?.querySelector('.state')?.textContent?.replace(/\s+/g, ' ').trim();

  it('lists every brand with a feed, with whether its offers may reach the owner', async () => {
    const backend = new MemoryBackend();
    await backend.mutePartner('goldcrust', true, null);
    renderScreen(backend);
    const list = await screen.findByRole('list', { name: 'Brands' });
    expect(within(list).getAllByRole('switch').map((s) => s.closest('label')?.querySelector('.what')?.textContent)).toEqual([
      'Sudsy',
      'Crumb & Co.',
      'Goldcrust Bakery',
      'Lumaview',
      'Cornerway',
    ]);
    expect(brand('Sudsy').checked).toBe(true);
    expect(stateOf('Sudsy')).toBe('Its offers appear in your inbox and may notify you, within your limits.');
    expect(brand('Goldcrust Bakery').checked).toBe(false);
    expect(stateOf('Goldcrust Bakery')).toBe(
      'Stopped: no offers from Goldcrust Bakery reach you, in your inbox or as a notification, until you allow them again. Offers you saved stay, and its guides still come.',
    );
    expect(within(region()).getByText(/Its guides still come: help is not marketing\./)).toBeTruthy();
  });

  it('reads the brands without marking the inbox seen', async () => {
    const backend = new MemoryBackend();
    const inbox = vi.spyOn(backend, 'inbox');
    const { offers } = renderScreen(backend);
    await screen.findByRole('list', { name: 'Brands' });
    expect(inbox).toHaveBeenCalledWith(null, false);
    expect(inbox).not.toHaveBeenCalledWith(expect.anything(), true);
    expect(offers.newCount).toBeGreaterThan(0);
    expect((await backend.inbox(null, false)).items.every((i) => i.isNew)).toBe(true);
  });

  it('stops and allows a brand’s offers with its switch', async () => {
    const backend = new MemoryBackend();
    const mute = vi.spyOn(backend, 'mutePartner');
    const { offers } = renderScreen(backend);
    await screen.findByRole('list', { name: 'Brands' });
    await userEvent.click(brand('Sudsy'));
    expect(mute).toHaveBeenLastCalledWith('sudsy', true, null);
    await waitFor(() => expect(brand('Sudsy').checked).toBe(false));
    expect(stateOf('Sudsy')).toMatch(/^Stopped: no offers from Sudsy reach you/);
    expect(offers.view?.muted).toEqual([{ id: 'sudsy', label: 'Sudsy' }]);
    expect(brand('Cornerway').checked).toBe(true);

    await userEvent.click(brand('Sudsy'));
    expect(mute).toHaveBeenLastCalledWith('sudsy', false, null);
    await waitFor(() => expect(brand('Sudsy').checked).toBe(true));
    expect(stateOf('Sudsy')).toBe('Its offers appear in your inbox and may notify you, within your limits.');
    expect(offers.view?.muted).toEqual([]);
    expect(within(region()).queryByRole('alert')).toBeNull();
  });

  it('shows a refusal in an alert and leaves the switch as it was', async () => {
    const backend = new MemoryBackend();
    renderScreen(backend);
    await screen.findByRole('list', { name: 'Brands' });
    backend.failNext = new BackendError('storage', 'Steward could not keep that setting. Nothing was changed; please try again.');
    await userEvent.click(brand('Lumaview'));
    expect((await within(region()).findByRole('alert')).textContent).toBe(
      'Steward could not keep that setting. Nothing was changed; please try again.',
    );
    expect(brand('Lumaview').checked).toBe(true);
    expect(stateOf('Lumaview')).toBe('Its offers appear in your inbox and may notify you, within your limits.');
    expect((await backend.inbox(null, false)).muted).toEqual([]);

    // The next change that is kept clears the message.
    await userEvent.click(brand('Lumaview'));
    await waitFor(() => expect(brand('Lumaview').checked).toBe(false));
    expect(within(region()).queryByRole('alert')).toBeNull();
  });

  it('says why the brands could not be read, and tries again', async () => {
    const backend = new MemoryBackend();
    const inbox = vi.spyOn(backend, 'inbox');
    // Only the inbox fails; the rest of the screen reads as usual.
    inbox.mockRejectedValueOnce(new BackendError('storage', 'Steward could not read your offers. Please try again.'));
    renderScreen(backend);
    expect((await within(region()).findByRole('alert')).textContent).toContain('Steward could not read your offers.');
    await userEvent.click(within(region()).getByRole('button', { name: 'Try again' }));
    await screen.findByRole('list', { name: 'Brands' });
    expect(inbox).toHaveBeenLastCalledWith(null, false);
    expect(within(region()).queryByRole('alert')).toBeNull();
  });
});

describe('The way to notification settings', () => {
  it('is on the Offers screen', async () => {
    const backend = new MemoryBackend();
    const nav = new NavStore();
    nav.go({ name: 'offers' });
    render(Offers, { props: { offers: new OffersStore(backend), inventory: new InventoryStore(backend), location: new LocationStore(backend), nav } });
    await userEvent.click(screen.getByRole('button', { name: 'Notification settings' }));
    expect(nav.screen).toEqual({ name: 'notifications' });
  });

  it('is in Privacy', async () => {
    const nav = new NavStore();
    render(Privacy, { props: { privacy: new PrivacyStore(new MemoryBackend()), nav } });
    const section = screen.getByRole('region', { name: 'Notifications' });
    await userEvent.click(within(section).getByRole('button', { name: 'Notification settings' }));
    expect(nav.screen).toEqual({ name: 'notifications' });
  });
});

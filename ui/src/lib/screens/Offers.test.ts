import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SearchInput } from '../backend';
import { MemoryBackend } from '../backend/memory';
import { InventoryStore } from '../stores/inventory.svelte';
import { LocationStore } from '../stores/location.svelte';
import { NavStore } from '../stores/nav.svelte';
import { NotificationsStore } from '../stores/notifications.svelte';
import { OffersStore } from '../stores/offers.svelte';
import { SupportStore } from '../stores/support.svelte';
import Offers from './Offers.svelte';
import Tutorial from './Tutorial.svelte';

function renderOffers(backend = new MemoryBackend()) {
  const offers = new OffersStore(backend);
  const nav = new NavStore();
  const location = new LocationStore(backend);
  render(Offers, { props: { offers, inventory: new InventoryStore(backend), location, nav } });
  return { offers, nav, backend, location };
}

const item = (name: string) => screen.getByRole('article', { name });

describe('Offers and help', () => {
  it('lists what fits, newest marked, each with why it is shown', async () => {
    const { offers } = renderOffers();
    await screen.findByRole('article', { name: 'Sudsy dish soap refill, 15% off' });
    const soap = item('Sudsy dish soap refill, 15% off');
    expect(within(soap).getByText('New')).toBeTruthy();
    expect(within(soap).getByText(/Offer from Sudsy · 3.49 EUR, 15% off/)).toBeTruthy();
    expect(within(soap).getByText('Main Street Market, 280 m away')).toBeTruthy();
    const why = within(soap).getByText('Why am I seeing this?').closest('details') as HTMLDetailsElement;
    expect(why.open).toBe(false);
    await userEvent.click(within(soap).getByText('Why am I seeing this?'));
    expect(why.open).toBe(true);
    expect(within(soap).getByText(/You have 8 packets of dish soap left/)).toBeTruthy();
    expect(within(soap).getByText(/Nothing about your household was sent to Sudsy/)).toBeTruthy();
    expect(offers.newCount).toBe(4);
  });

  it('dismisses with an undo, saves to the top, and stops a brand until allowed again', async () => {
    renderOffers();
    await screen.findByRole('article', { name: 'Cornerway own-brand dish soap' });
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss Cornerway own-brand dish soap' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Cornerway own-brand dish soap' })).toBeNull());
    await userEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByRole('article', { name: 'Cornerway own-brand dish soap' });

    await userEvent.click(within(item('Crumb & Co. sandwich loaf')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getAllByRole('article')[0]?.getAttribute('aria-label')).toBe('Crumb & Co. sandwich loaf'));
    expect(within(item('Crumb & Co. sandwich loaf')).getByRole('button', { name: 'Saved' }).getAttribute('aria-pressed')).toBe('true');

    await userEvent.click(screen.getByRole('button', { name: 'Stop offers from Goldcrust Bakery' }));
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Goldcrust sourdough, 30% off today' })).toBeNull());
    const stopped = screen.getByRole('region', { name: 'Offers you stopped' });
    expect(within(stopped).getByText('Goldcrust Bakery')).toBeTruthy();
    await userEvent.click(within(stopped).getByRole('button', { name: 'Allow offers from Goldcrust Bakery' }));
    await screen.findByRole('article', { name: 'Goldcrust sourdough, 30% off today' });
  });

  it('shows a partner’s markup as text, never as HTML', async () => {
    const backend = new MemoryBackend();
    const first = backend.offerItems[0];
    if (first) {
      first.name = '<img src=x onerror="alert(1)">Soap';
      first.explanation = '<b>Buy now</b>';
    }
    renderOffers(backend);
    const shown = await screen.findByRole('article', { name: '<img src=x onerror="alert(1)">Soap' });
    expect(shown.querySelector('img')).toBeNull();
    expect(shown.querySelector('b')).toBeNull();
    expect(within(shown).getByText('<b>Buy now</b>')).toBeTruthy();
  });

  it('says plainly when a partner feed could not be updated', async () => {
    const backend = new MemoryBackend();
    backend.feedProblems.set('sudsy', 'the signature does not match Sudsy’s key');
    renderOffers(backend);
    expect(await screen.findByText("Sudsy's offers could not be updated: the signature does not match Sudsy’s key")).toBeTruthy();
  });

  it('searches every partner by words, nearest first or cheapest first', async () => {
    renderOffers();
    await screen.findAllByRole('article');
    await userEvent.type(screen.getByLabelText('Product, or the number under its barcode'), 'dish soap');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText('2 offers for “dish soap”');
    const names = () => screen.getByRole('form', { name: 'Find the best deal' }).querySelectorAll('.hits .name');
    expect([...names()].map((n) => n.textContent)).toEqual(['Cornerway own-brand dish soap', 'Sudsy dish soap refill, 15% off']);
    await userEvent.selectOptions(screen.getByLabelText('Order'), 'price');
    await waitFor(() => expect(names()[0]?.textContent).toBe('Cornerway own-brand dish soap'));
    await userEvent.clear(screen.getByLabelText('Product, or the number under its barcode'));
    await userEvent.type(screen.getByLabelText('Product, or the number under its barcode'), 'caviar');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('No current offers for “caviar”.')).toBeTruthy();
  });

  it('asks for a place to measure from while location is off, and measures from the one chosen', async () => {
    const { backend } = renderOffers();
    const searches: SearchInput[] = [];
    const search = backend.searchOffers.bind(backend);
    backend.searchOffers = async (input) => {
      searches.push(structuredClone(input));
      return search(input);
    };
    const form = screen.getByRole('form', { name: 'Find the best deal' });
    const place = (await within(form).findByLabelText('Measure distances from')) as HTMLSelectElement;
    await waitFor(() => expect(place.options.length).toBe(3));
    expect([...place.options].map((o) => o.textContent)).toEqual([
      'No place (no distances)',
      'Cornerway Alexanderplatz (Cornerway)',
      'Main Street Market (Sudsy)',
    ]);
    expect(place.value, 'no place is chosen for the owner').toBe('');
    const hint = () => document.getElementById('offer-distance-hint')?.textContent;
    expect(hint()).toBe('Location is off, so there are no distances. Choose a place to measure them from.');

    await userEvent.type(screen.getByLabelText('Product, or the number under its barcode'), 'dish soap');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText('2 offers for “dish soap”');
    expect(searches.at(-1)?.position).toBeNull();
    const where = () => [...form.querySelectorAll('.hits .where')].map((n) => n.textContent);
    expect(where()).toEqual(['Cornerway Alexanderplatz', 'Main Street Market']);

    await userEvent.selectOptions(place, 'Cornerway Alexanderplatz (Cornerway)');
    await waitFor(() => expect(searches.at(-1)?.position).toEqual({ latitude: 52.5219, longitude: 13.4132 }));
    await waitFor(() => expect(where()[0]).toBe('Cornerway Alexanderplatz, 10 m away'));
    expect(where()[1]).toMatch(/^Main Street Market, \d+ m away$/);
    expect(hint()).toBe('Location is off, so distances are from Cornerway Alexanderplatz, worked out on this phone.');
  });

  it('measures from the phone while location is on, without asking for a place', async () => {
    const backend = new MemoryBackend();
    backend.positionAfterMs = null;
    await backend.setLocationUse(true);
    backend.positionFound();
    const { location } = renderOffers(backend);
    const stop = await location.start();
    const searches: SearchInput[] = [];
    const search = backend.searchOffers.bind(backend);
    backend.searchOffers = async (input) => {
      searches.push(structuredClone(input));
      return search(input);
    };
    const form = screen.getByRole('form', { name: 'Find the best deal' });
    await waitFor(() => expect(within(form).queryByLabelText('Measure distances from')).toBeNull());
    expect(document.getElementById('offer-distance-hint')?.textContent).toBe(
      'Distances are from where you are, worked out on this phone; your position is not sent.',
    );
    await userEvent.type(screen.getByLabelText('Product, or the number under its barcode'), 'dish soap');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText('2 offers for “dish soap”');
    expect(searches.at(-1)?.position).toBeNull();
    expect(within(form).getByText('Main Street Market, 280 m away')).toBeTruthy();

    // Switched off elsewhere: the place is asked for, and the results lose their distances.
    await backend.setLocationUse(false);
    await within(form).findByLabelText('Measure distances from');
    await waitFor(() => expect(within(form).queryByText(/m away/)).toBeNull());
    expect(searches).toHaveLength(2);
    stop();
  });

  it('opens a guide at the step for the state the device is in', async () => {
    const backend = new MemoryBackend();
    const opened = backend.tutorial.bind(backend);
    backend.tutorial = async (key) => ({ ...(await opened(key)), startStep: 1, deviceState: 'On, showing the disc menu' });
    render(Tutorial, {
      props: { partnerId: 'lumaview', itemId: 'lumaview-disc-menu', offers: new OffersStore(backend), support: new SupportStore(backend), nav: new NavStore() },
    });
    expect(await screen.findByRole('heading', { name: 'Step 2 of 3' })).toBeTruthy();
    expect(screen.getByText('Living room player: On, showing the disc menu')).toBeTruthy();
  });

  it('walks a guide step by step with the device it is for', async () => {
    const backend = new MemoryBackend();
    const offers = new OffersStore(backend);
    const nav = new NavStore();
    render(Tutorial, { props: { partnerId: 'lumaview', itemId: 'lumaview-disc-menu', offers, support: new SupportStore(backend), nav } });
    expect(await screen.findByRole('heading', { name: 'Getting to the disc menu' })).toBeTruthy();
    expect(screen.getByText('Living room player: On, stopped')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Step 1 of 3' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Previous' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Next step' }));
    await userEvent.click(screen.getByRole('button', { name: 'Next step' }));
    expect(screen.getByRole('heading', { name: 'Step 3 of 3' })).toBeTruthy();
    expect(screen.getByText(/Press OK to choose it/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(nav.screen).toEqual({ name: 'offers' });
  });
});

describe('the offers store', () => {
  it('matches again when the core says the feeds were fetched, without marking anything seen', async () => {
    const backend = new MemoryBackend();
    const offers = new OffersStore(backend);
    const stop = await offers.start();
    expect(offers.newCount).toBe(4);
    const first = backend.offerItems.find((i) => i.itemId === 'lumaview-disc-menu');
    if (first) first.matches = true;
    await backend.refreshOffers();
    await waitFor(() => expect(offers.newCount).toBe(5));
    stop();
  });
});

describe('a tapped offer notification', () => {
  function renderTapped(backend = new MemoryBackend()) {
    const nav = new NavStore();
    const notifications = new NotificationsStore(backend, nav);
    const scrolled: { name: string | null; options: unknown }[] = [];
    // jsdom has no scrollIntoView: the spy stands in for it and records what was scrolled to.
    Element.prototype.scrollIntoView ??= () => {};
    vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function (this: Element, options?: unknown) {
      scrolled.push({ name: this.getAttribute('aria-label'), options });
    });
    const show = () =>
      render(Offers, {
        props: { offers: new OffersStore(backend), inventory: new InventoryStore(backend), location: new LocationStore(backend), nav, notifications },
      });
    return { nav, notifications, scrolled, show };
  }

  it('opens Offers with that offer in the middle of the screen, marked, once the inbox is matched', async () => {
    const backend = new MemoryBackend();
    const { nav, notifications, scrolled, show } = renderTapped(backend);
    notifications.open({ kind: 'offer', partnerId: 'crumb', itemId: 'crumb-loaf', consumableId: null, deviceId: null });
    expect(nav.screen).toEqual({ name: 'offers' });
    show();
    await waitFor(() => expect(scrolled).toEqual([{ name: 'Crumb & Co. sandwich loaf', options: { block: 'center' } }]));
    const loaf = item('Crumb & Co. sandwich loaf');
    expect(loaf.classList.contains('marked')).toBe(true);
    expect(within(loaf).getByText('From your notification')).toBeTruthy();
    expect(document.activeElement).toBe(loaf);
    expect(item('Sudsy dish soap refill, 15% off').classList.contains('marked')).toBe(false);
    expect(notifications.focusItem).toBeNull();

    // Tapped again while Offers is open: the new one is brought into view.
    notifications.open({ kind: 'offer', partnerId: 'sudsy', itemId: 'sudsy-soap-15', consumableId: null, deviceId: null });
    await waitFor(() => expect(item('Sudsy dish soap refill, 15% off').classList.contains('marked')).toBe(true));
    expect(item('Crumb & Co. sandwich loaf').classList.contains('marked')).toBe(false);
    await waitFor(() => expect(scrolled.at(-1)?.name).toBe('Sudsy dish soap refill, 15% off'));
  });

  it('says so when the offer is no longer in the inbox', async () => {
    const { notifications, scrolled, show } = renderTapped();
    notifications.open({ kind: 'offer', partnerId: 'sudsy', itemId: 'gone-yesterday', consumableId: null, deviceId: null });
    show();
    expect(await screen.findByText(/That offer is no longer in your inbox/)).toBeTruthy();
    expect(scrolled).toEqual([]);
    expect(notifications.focusItem).toBeNull();
  });
});

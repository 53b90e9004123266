import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { InventoryStore } from '../stores/inventory.svelte';
import { NavStore } from '../stores/nav.svelte';
import { PrivacyStore } from '../stores/privacy.svelte';
import Consumable from './Consumable.svelte';
import Privacy from './Privacy.svelte';

function withSudsy(): MemoryBackend {
  const backend = new MemoryBackend();
  backend.partners = [
    {
      id: 'sudsy',
      name: 'Sudsy',
      brands: ['Sudsy'],
      asks: [
        ['consumable-levels', 'reorder-delivery'],
        ['consumable-levels', 'personalised-offers'],
      ],
    },
  ];
  return backend;
}

function soap(backend: MemoryBackend, brand: string | null = 'Sudsy'): number {
  return backend.seedConsumable({
    summary: { name: 'Dish soap', brand, unit: 'packet', remaining: 8, capacity: 40, threshold: 8, low: true },
  });
}

async function renderConsumable(backend: MemoryBackend, id: number) {
  const inventory = new InventoryStore(backend);
  await inventory.start();
  render(Consumable, { props: { id, inventory, nav: new NavStore() } });
}

describe('Reorder with a just-in-time consent prompt', () => {
  it('shows exactly what would be sent, to whom, for what and how long, with equal answers', async () => {
    const backend = withSudsy();
    const id = soap(backend);
    await renderConsumable(backend, id);
    await userEvent.click(await screen.findByRole('button', { name: 'Reorder Dish soap' }));
    const prompt = await screen.findByRole('region', { name: 'Send this to Sudsy?' });
    expect(within(prompt).getByText('Dish soap: 8 of 40 packets left')).toBeTruthy();
    expect(within(prompt).getByText('Supply levels')).toBeTruthy();
    expect(within(prompt).getByText('Reorders and delivery you start')).toBeTruthy();
    expect(within(prompt).getByText(/396 days/)).toBeTruthy();
    expect(within(prompt).queryAllByRole('checkbox')).toHaveLength(0);
    const allow = within(prompt).getByRole('button', { name: 'Allow' });
    const notNow = within(prompt).getByRole('button', { name: 'Not now' });
    expect(allow.className).toBe(notNow.className);
    // Focus moves to the question, so a screen reader announces it.
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Send this to Sudsy?'));

    await userEvent.click(notNow);
    expect(await screen.findByText('Nothing was sent to Sudsy.')).toBeTruthy();
    expect(backend.ledgerEntries).toHaveLength(0);

    await userEvent.click(screen.getByRole('button', { name: 'Reorder Dish soap' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    expect(await screen.findByText('Sudsy will deliver your order in 2 days.')).toBeTruthy();
    expect(backend.ledgerEntries).toHaveLength(1);
    expect(screen.queryByRole('region', { name: 'Send this to Sudsy?' })).toBeNull();

    // Allowed now: the next reorder goes without asking again.
    await userEvent.click(screen.getByRole('button', { name: 'Reorder Dish soap' }));
    expect(await screen.findAllByText('Sudsy will deliver your order in 2 days.')).toBeTruthy();
    expect(backend.ledgerEntries).toHaveLength(2);
  });

  it('asks for the brand when there is none, and says when no partner speaks for it', async () => {
    const backend = withSudsy();
    const id = soap(backend, null);
    await renderConsumable(backend, id);
    const brandForm = await screen.findByRole('form', { name: 'Brand of Dish soap' });
    await userEvent.click(within(brandForm).getByRole('button', { name: 'Save brand' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Brand');
    await userEvent.type(within(brandForm).getByLabelText(/Who makes it/), 'Glossy');
    await userEvent.click(within(brandForm).getByRole('button', { name: 'Save brand' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Reorder Dish soap' }));
    expect((await screen.findByRole('alert')).textContent).toContain('no partner speaks for Glossy');
  });
});

describe('Privacy center', () => {
  async function renderPrivacy(backend: MemoryBackend) {
    const privacy = new PrivacyStore(backend);
    render(Privacy, { props: { privacy, nav: new NavStore() } });
    return privacy;
  }

  it('shows each partner’s permissions off by default and changes one in one tap, with a receipt', async () => {
    const backend = withSudsy();
    await renderPrivacy(backend);
    const sudsy = await screen.findByRole('article', { name: 'Sudsy' });
    const reorders = within(sudsy).getByRole('group', { name: 'Reorders and delivery you start' });
    const levels = within(reorders).getByRole('switch', { name: /Supply levels/ });
    expect((levels as HTMLInputElement).checked).toBe(false);
    expect(within(reorders).getByText('Not shared')).toBeTruthy();

    await userEvent.click(levels);
    expect(await within(reorders).findByText(/Allowed until/)).toBeTruthy();
    const receipts = screen.getByRole('list', { name: 'Consent receipts' });
    expect(within(receipts).getByText(/Allowed/)).toBeTruthy();

    await userEvent.click(within(reorders).getByRole('switch', { name: /Supply levels/ }));
    expect(await within(reorders).findByText('Not shared')).toBeTruthy();
    expect(await within(screen.getByRole('list', { name: 'Consent receipts' })).findByText(/Withdrawn/)).toBeTruthy();
  });

  it('lists what left the phone with filters, and shows the exact data on request', async () => {
    const backend = withSudsy();
    const id = soap(backend);
    await backend.reorder(id, true);
    const privacy = await renderPrivacy(backend);
    const timeline = await screen.findByRole('list', { name: 'What left this phone' });
    expect(within(timeline).getByText('Dish soap: 8 of 40 packets left')).toBeTruthy();
    expect(within(timeline).getByText('Delivered')).toBeTruthy();
    await userEvent.click(within(timeline).getByRole('button', { name: 'Show the exact data' }));
    expect(await within(timeline).findByText(/"kind": "order"/)).toBeTruthy();
    expect(within(timeline).getByRole('button', { name: 'Hide the exact data' }).getAttribute('aria-expanded')).toBe('true');

    await userEvent.selectOptions(screen.getByLabelText('Kind of data'), 'precise-location');
    expect(await screen.findByText('Nothing has left this phone that matches these filters.')).toBeTruthy();
    expect(privacy.category).toBe('precise-location');
    await userEvent.selectOptions(screen.getByLabelText('Kind of data'), '');
    expect(await screen.findByText('Dish soap: 8 of 40 packets left')).toBeTruthy();
  });

  it('removes a partner only after saying what removal does', async () => {
    const backend = withSudsy();
    await renderPrivacy(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Remove Sudsy' }));
    const confirm = screen.getByRole('group', { name: 'Remove Sudsy' });
    expect(within(confirm).getByText(/asked to erase what it holds/)).toBeTruthy();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText(/No partners yet/)).toBeTruthy();
    expect(await screen.findByText(/Asked Sudsy to erase/)).toBeTruthy();
  });
});

describe('Adding a partner', () => {
  it('says why an address is refused, next to the field', async () => {
    const backend = withSudsy();
    render(Privacy, { props: { privacy: new PrivacyStore(backend), nav: new NavStore() } });
    const form = await screen.findByRole('form', { name: 'Add a partner' });
    await userEvent.click(within(form).getByRole('button', { name: 'Add' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('https://');
    await userEvent.type(within(form).getByLabelText(/partner card/), 'https://nobody.example');
    expect(within(form).queryByRole('alert')).toBeNull();
    await userEvent.click(within(form).getByRole('button', { name: 'Add' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('could not be reached');
  });
});

describe('A request that did not arrive', () => {
  it('says why and can be tried again from the ledger', async () => {
    const backend = withSudsy();
    const id = soap(backend);
    await backend.reorder(id, true);
    const entry = backend.ledgerEntries[0]!;
    entry.outcome = 'failed';
    entry.outcomeDetail = 'the partner could not be reached';
    render(Privacy, { props: { privacy: new PrivacyStore(backend), nav: new NavStore() } });
    const timeline = await screen.findByRole('list', { name: 'What left this phone' });
    expect(within(timeline).getByText('Not delivered: the partner could not be reached')).toBeTruthy();
    await userEvent.click(within(timeline).getByRole('button', { name: 'Try again' }));
    expect(await within(timeline).findByText('Delivered (after 2 tries)')).toBeTruthy();
    expect(within(timeline).queryByRole('button', { name: 'Try again' })).toBeNull();
  });
});

describe('A permission about to lapse', () => {
  it('is asked about again, and renewing it keeps it with a new receipt', async () => {
    const backend = withSudsy();
    await backend.setGrant('sudsy', 'consumable-levels', 'reorder-delivery', true);
    backend.setGrantEnd('sudsy', 'consumable-levels', 'reorder-delivery', Math.floor(Date.now() / 1000) + 5 * 86400);
    render(Privacy, { props: { privacy: new PrivacyStore(backend), nav: new NavStore() } });
    const ending = await screen.findByRole('list', { name: 'Ending soon' });
    expect(within(ending).getByText(/Sudsy: Supply levels for reorders and delivery you start/)).toBeTruthy();
    await userEvent.click(within(ending).getByRole('button', { name: 'Renew for 13 months' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Ending soon' })).toBeNull());
    expect(within(screen.getByRole('list', { name: 'Consent receipts' })).getByText(/Changed/)).toBeTruthy();
  });
});

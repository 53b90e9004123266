import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { shortDate } from '../inventory/describe';
import { MemoryBackend } from '../backend/memory';
import { InventoryStore } from '../stores/inventory.svelte';
import { NavStore } from '../stores/nav.svelte';
import Consumable from './Consumable.svelte';
import Inventory from './Inventory.svelte';

function soapBackend() {
  const backend = new MemoryBackend();
  const id = backend.seedConsumable({
    explanation: 'about 2 a day over the last 2 weeks',
    dailyUse: [
      { date: '2026-11-22', amount: 3 },
      { date: '2026-11-23', amount: 2 },
    ],
    summary: {
      name: 'Dish soap',
      unit: 'packet',
      remaining: 8,
      capacity: 40,
      threshold: 8,
      low: true,
      daysLeft: 4,
      emptyDate: '2026-11-27',
    },
  });
  return { backend, id };
}

async function started(backend: MemoryBackend) {
  const inventory = new InventoryStore(backend);
  await inventory.start();
  return inventory;
}

describe('Inventory screen', () => {
  it('tells the core where the owner\'s day starts', async () => {
    const { backend } = soapBackend();
    backend.utcOffset = 999;
    await started(backend);
    expect(backend.utcOffset).toBe(-new Date().getTimezoneOffset());
  });

  it('lists consumables with their stock, forecast and a low warning', async () => {
    const { backend } = soapBackend();
    render(Inventory, { props: { inventory: await started(backend), nav: new NavStore() } });
    const list = await screen.findByRole('list', { name: 'What your home uses up' });
    const item = within(list).getByRole('listitem');
    expect(item.textContent).toContain('8 of 40 packets left');
    expect(item.textContent).toContain(`About 4 days left · empty around ${shortDate('2026-11-27')}`);
    expect(item.textContent).toContain('Running low');
  });

  it('adds a consumable by hand and shows a refusal next to the form', async () => {
    const backend = new MemoryBackend();
    render(Inventory, { props: { inventory: await started(backend), nav: new NavStore() } });
    await userEvent.click(await screen.findByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Name');
    await userEvent.type(screen.getByLabelText('Name'), 'Coffee pods');
    await userEvent.type(screen.getByLabelText('Counted in'), 'pod');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Coffee pods')).toBeTruthy();
    expect(backend.consumables[0]?.summary.threshold).toBe(2);
  });

  it('opens a consumable', async () => {
    const { backend, id } = soapBackend();
    const nav = new NavStore();
    render(Inventory, { props: { inventory: await started(backend), nav } });
    await userEvent.click(await screen.findByRole('button', { name: /Dish soap/ }));
    expect(nav.screen).toEqual({ name: 'consumable', id });
  });
});

describe('Consumable screen', () => {
  it('shows the forecast with its explanation and a chart of use', async () => {
    const { backend, id } = soapBackend();
    render(Consumable, { props: { id, inventory: await started(backend), nav: new NavStore() } });
    expect((await screen.findByTestId('consumable-stock')).textContent).toBe('8 of 40 packets left');
    expect(screen.getByTestId('consumable-explanation').textContent).toBe(
      'Based on use of about 2 a day over the last 2 weeks.',
    );
    const chart = screen.getByRole('img');
    expect(chart.getAttribute('aria-label')).toBe('Use over the last 2 days: 5 packets in all, at most 3 in a day.');
    expect(chart.querySelectorAll('rect')).toHaveLength(2);
    expect(screen.getByRole('status').textContent).toContain('on your shopping list');
  });

  it('records a purchase, and explains a refused one', async () => {
    const { backend, id } = soapBackend();
    render(Consumable, { props: { id, inventory: await started(backend), nav: new NavStore() } });
    const quantity = await screen.findByLabelText('How many packets');
    await userEvent.type(quantity, '0');
    await userEvent.click(screen.getByRole('button', { name: 'Record' }));
    expect((await screen.findByRole('alert')).textContent).toContain('between 1 and 10000');
    await userEvent.clear(quantity);
    await userEvent.type(quantity, '40');
    await userEvent.type(screen.getByLabelText('Note (optional)'), 'pack of 40');
    await userEvent.click(screen.getByRole('button', { name: 'Record' }));
    expect(await screen.findByText('Recorded.')).toBeTruthy();
    expect(screen.getByTestId('consumable-stock').textContent).toBe('48 packets left');
    expect(screen.getByRole('list', { name: 'Bought' }).textContent).toContain('40 packets');
  });

  it('an empty quantity is an error next to the field, never the placeholder recorded', async () => {
    const { backend, id } = soapBackend();
    render(Consumable, { props: { id, inventory: await started(backend), nav: new NavStore() } });
    const quantity = await screen.findByLabelText('How many packets');
    await userEvent.click(screen.getByRole('button', { name: 'Record' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('enter how many packets you bought');
    expect(quantity.getAttribute('aria-invalid')).toBe('true');
    expect(quantity.getAttribute('aria-describedby')).toBe(alert.id);
    expect(screen.getByTestId('consumable-stock').textContent).toBe('8 of 40 packets left');
    expect(screen.queryByRole('list', { name: 'Bought' })).toBeNull();
    await userEvent.type(quantity, '2');
    expect(screen.queryByRole('alert')).toBeNull();
    const threshold = screen.getByLabelText('Add it to the list when this many are left');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Threshold: enter how many');
    expect(threshold.getAttribute('aria-invalid')).toBe('true');
  });

  it('text from the core is shown as text, never as markup', async () => {
    const backend = new MemoryBackend();
    const id = backend.seedConsumable({ summary: { name: '<img src=x onerror=alert(1)>', unit: 'unit' } });
    const { container } = render(Consumable, { props: { id, inventory: await started(backend), nav: new NavStore() } });
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
  });
});

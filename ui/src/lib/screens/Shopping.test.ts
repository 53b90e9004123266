import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { ShoppingStore } from '../stores/shopping.svelte';
import Shopping from './Shopping.svelte';

async function renderShopping(backend: MemoryBackend) {
  const shopping = new ShoppingStore(backend);
  await shopping.start();
  render(Shopping, { props: { shopping } });
  return shopping;
}

describe('Shopping list', () => {
  it('shows why an item is there, and ticks it off and back', async () => {
    const backend = new MemoryBackend();
    backend.shopping.items.push({
      id: 7,
      title: 'Dish soap',
      quantity: 1,
      note: null,
      consumableId: 1,
      reason: 'Added because Dish soap was down to 8 packets or fewer (your threshold)',
      done: false,
    });
    const store = await renderShopping(backend);
    const toBuy = await screen.findByRole('list', { name: 'To buy' });
    expect(within(toBuy).getByText('Added because Dish soap was down to 8 packets or fewer (your threshold)')).toBeTruthy();
    expect(store.openCount).toBe(1);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Dish soap' }));
    const bought = await screen.findByRole('list', { name: 'Bought' });
    expect(within(bought).getByText('Dish soap')).toBeTruthy();
    expect(screen.getByText(/Nothing to buy/)).toBeTruthy();
    await userEvent.click(within(bought).getByRole('checkbox', { name: 'Dish soap' }));
    expect(await screen.findByRole('list', { name: 'To buy' })).toBeTruthy();
  });

  it('adds, edits and removes items by hand, and explains a refusal', async () => {
    const backend = new MemoryBackend();
    await renderShopping(backend);
    await userEvent.click(await screen.findByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Item');
    await userEvent.type(screen.getByLabelText('Item'), 'Milk');
    await userEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Added by you')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Edit Milk' }));
    const edit = screen.getByRole('form', { name: 'Edit Milk' });
    const title = within(edit).getByLabelText('Item');
    await userEvent.clear(title);
    await userEvent.type(title, 'Oat milk');
    const quantity = within(edit).getByLabelText('Quantity');
    await userEvent.clear(quantity);
    await userEvent.type(quantity, '2');
    await userEvent.click(within(edit).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Oat milk × 2')).toBeTruthy();
    expect(backend.shopping.items[0]?.title).toBe('Oat milk');

    await userEvent.click(screen.getByRole('button', { name: 'Remove Oat milk' }));
    expect(await screen.findByText(/Nothing to buy/)).toBeTruthy();
  });
});

import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { DevicesStore } from '../stores/devices.svelte';
import DeviceSupport from './DeviceSupport.svelte';

async function pairedPlayer(partners: MemoryBackend['partners']) {
  const backend = new MemoryBackend();
  backend.partners = partners;
  backend.nearby = [
    {
      found: { address: 'D0:5E:00:00:00:03', name: 'Blu-ray player', kind: 'bluray_player', rssi: -55, pairingOpen: true, pairedAs: null, supplyQuestion: null },
      code: '3456-7890',
      detail: {
        id: 'aa03',
        name: 'Blu-ray player',
        kind: 'bluray_player',
        connected: true,
        state: null,
        firmware: '2.0.1',
        batteryPercent: null,
        problem: null,
        stateAt: null,
      },
    },
  ];
  await backend.scanDevices();
  await backend.pairDevice('D0:5E:00:00:00:03', '3456-7890', null);
  render(DeviceSupport, { props: { deviceId: 'aa03', deviceName: 'Blu-ray player', devices: new DevicesStore(backend) } });
  return backend;
}

const lumaview = { id: 'lumaview', name: 'Lumaview', brands: ['Lumaview'], asks: [['device-diagnostics', 'tutorials-support']] as [string, string][] };

describe('Help from the maker', () => {
  it('lets the owner choose the partner, shows what would go, and sends only when allowed', async () => {
    const backend = await pairedPlayer([lumaview]);
    const form = await screen.findByRole('form', { name: 'Help from the maker' });
    const select = await within(form).findByLabelText(/Send its diagnostics/);
    expect((select as HTMLSelectElement).value, 'nothing is chosen for the owner').toBe('');
    await userEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('choose whose support');

    await userEvent.selectOptions(select, 'lumaview');
    await userEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    const prompt = await screen.findByRole('region', { name: 'Send this to Lumaview?' });
    expect(within(prompt).getByText('So that its support can help with Blu-ray player, Lumaview would receive:')).toBeTruthy();
    expect(within(prompt).getByText('Blu-ray player: bluray player, firmware 2.0.1, no recent errors')).toBeTruthy();
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Send this to Lumaview?'));

    await userEvent.click(within(prompt).getByRole('button', { name: 'Not now' }));
    expect(await screen.findByText('Nothing was sent to Lumaview.')).toBeTruthy();
    expect(backend.ledgerEntries).toHaveLength(0);

    await userEvent.click(within(form).getByRole('button', { name: 'Continue' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Allow' }));
    expect(await screen.findByText(/Sent to Lumaview's support/)).toBeTruthy();
    expect(backend.ledgerEntries[0]?.categories).toEqual(['device-diagnostics']);
  });

  it('says where to go when no partner offers support', async () => {
    await pairedPlayer([]);
    expect(await screen.findByText(/No partner offers support for devices yet/)).toBeTruthy();
  });
});

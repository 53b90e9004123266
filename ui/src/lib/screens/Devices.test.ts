import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../backend/memory';
import { DevicesStore } from '../stores/devices.svelte';
import { NavStore } from '../stores/nav.svelte';
import AddDevice from './AddDevice.svelte';
import Device from './Device.svelte';

function homeWithALight() {
  const backend = new MemoryBackend();
  backend.nearby = [
    {
      found: { address: 'D0:5E:00:00:00:04', name: 'Kitchen light', kind: 'light', rssi: -55 },
      code: '4567-8901',
      detail: {
        id: 'aa04',
        name: 'Kitchen light',
        kind: 'light',
        connected: true,
        state: { kind: 'light', on: false, brightness: 80 },
        firmware: '1.4.2',
        batteryPercent: 87,
      },
    },
  ];
  return backend;
}

describe('adding a device', () => {
  it('scans, refuses a wrong code with the reason, pairs with the right one and opens the device', async () => {
    const backend = homeWithALight();
    const nav = new NavStore();
    nav.go({ name: 'add-device' });
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav } });

    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    const found = await screen.findByRole('list', { name: 'Devices found' });
    expect(within(found).getByText('Kitchen light')).toBeTruthy();
    expect(within(found).getByText('Light · -55 dBm')).toBeTruthy();
    await userEvent.click(within(found).getByRole('radio'));

    const code = screen.getByLabelText('The 8 digits printed on the device, or the text of its QR code');
    await userEvent.type(code, '1111-1111');
    await userEvent.click(screen.getByRole('button', { name: 'Pair' }));
    expect((await screen.findByRole('alert')).textContent).toContain('does not match');
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(nav.screen).toEqual({ name: 'add-device' });

    await userEvent.clear(code);
    await userEvent.type(code, '4567 8901');
    await userEvent.click(screen.getByRole('button', { name: 'Pair' }));
    await expect.poll(() => nav.screen).toEqual({ name: 'device', id: 'aa04' });
  });

  it('explains a failed scan', async () => {
    const backend = homeWithALight();
    const { BackendError } = await import('../backend');
    backend.failNext = new BackendError('noBluetooth', 'Bluetooth is off or not available. Turn it on and try again.');
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav: new NavStore() } });
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Turn it on');
  });
});

describe('a device screen', () => {
  async function openLight() {
    const backend = homeWithALight();
    await backend.pairDevice('D0:5E:00:00:00:04', '4567-8901');
    const devices = new DevicesStore(backend);
    await devices.start();
    render(Device, { props: { id: 'aa04', devices, nav: new NavStore() } });
    await screen.findByText('Connected');
    return backend;
  }

  it('shows the state the device confirmed after a command', async () => {
    await openLight();
    expect(screen.getByTestId('device-state').textContent).toBe('Off');
    expect(screen.getByTestId('device-info').textContent?.trim()).toBe('Battery 87% · Firmware 1.4.2');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    await expect.poll(() => screen.getByTestId('device-state').textContent).toBe('On · 80%');
    expect(screen.getByRole('button', { name: 'Turn off' })).toBeTruthy();
  });

  it('follows announcements: a device out of range hides its controls and says it will reconnect', async () => {
    const backend = await openLight();
    backend.announce('aa04', { connected: false });
    expect(await screen.findByText('Out of range — Steward reconnects on its own')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Turn on' })).toBeNull();
  });

  it('says why a command failed', async () => {
    const backend = await openLight();
    const { BackendError } = await import('../backend');
    backend.failNext = new BackendError('device', 'The device did not answer in time.');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer');
  });
});

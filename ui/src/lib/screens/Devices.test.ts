import { fireEvent, render, screen, within } from '@testing-library/svelte';
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
      found: { address: 'D0:5E:00:00:00:04', name: 'Kitchen light', kind: 'light', rssi: -55, pairingOpen: true, pairedAs: null, supplyQuestion: null },
      code: '4567-8901',
      detail: {
        id: 'aa04',
        name: 'Kitchen light',
        kind: 'light',
        connected: true,
        state: { kind: 'light', on: false, brightness: 80 },
        firmware: '1.4.2',
        batteryPercent: 87,
        problem: null,
        stateAt: null,
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
    expect(within(found).getByText('Light · strong signal'), 'signal in words, not dBm').toBeTruthy();
    await userEvent.click(within(found).getByText('Kitchen light'));

    const code = screen.getByLabelText('The 8 digits printed on the device, or the text of its QR code');
    await expect.poll(() => document.activeElement, { timeout: 1000 }).toBe(code);
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

  it('keeps the list walkable with the arrow keys, in a stable order', async () => {
    const backend = homeWithALight();
    backend.nearby.push({
      ...structuredClone(backend.nearby[0]!),
      found: { address: 'D0:5E:00:00:00:01', name: 'Dish soap', kind: 'soap_dispenser', rssi: -80, pairingOpen: true, pairedAs: null, supplyQuestion: null },
    });
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav: new NavStore() } });
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    const found = await screen.findByRole('list', { name: 'Devices found' });
    const names = within(found)
      .getAllByRole('radio')
      .map((radio) => radio.closest('label')?.querySelector('.device-name')?.textContent);
    expect(names, 'by name, whatever order the radio heard them in').toEqual(['Dish soap', 'Kitchen light']);
    expect(within(found).getByText('Soap dispenser · weak signal')).toBeTruthy();
    const [first, second] = within(found).getAllByRole('radio');
    // jsdom has no CSS.escape, which user-event's radio walking uses; the radio names are plain.
    (globalThis as { CSS?: { escape: (s: string) => string } }).CSS ??= { escape: (s: string) => s };
    first!.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement, 'the arrow moves along the list, not into the code field').toBe(second);
  });

  it('asks once how much bread there is when pairing a toaster, with a full bag suggested', async () => {
    const backend = homeWithALight();
    backend.nearby = [
      {
        found: {
          address: 'D0:5E:00:00:00:02',
          name: 'Toaster',
          kind: 'toaster',
          rssi: -60,
          pairingOpen: true,
          pairedAs: null,
          supplyQuestion: { prompt: 'How many slices of bread do you have now?', unit: 'slice', suggested: 10, max: 999 },
        },
        code: '2345-6789',
        detail: { ...backend.nearby[0]!.detail, id: 'aa02', name: 'Toaster', kind: 'toaster', state: null },
      },
    ];
    const nav = new NavStore();
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav } });
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    await userEvent.click(within(await screen.findByRole('list', { name: 'Devices found' })).getByText('Toaster'));
    const level = screen.getByLabelText('How many slices of bread do you have now?') as HTMLInputElement;
    expect(level.value, 'the suggestion is shown, not recorded silently').toBe('10');
    await userEvent.clear(level);
    await userEvent.type(screen.getByLabelText(/The 8 digits/), '2345-6789');
    await userEvent.click(screen.getByRole('button', { name: 'Pair' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Say how many you have now');
    expect(level.getAttribute('aria-invalid')).toBe('true');
    expect(level.getAttribute('aria-describedby')).toContain(alert.id);
    expect(nav.screen, 'nothing was paired').not.toEqual({ name: 'device', id: 'aa02' });
    await userEvent.type(level, '6');
    expect(screen.queryByRole('alert'), 'the error goes once the field is fixed').toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Pair' }));
    await expect.poll(() => nav.screen).toEqual({ name: 'device', id: 'aa02' });
    expect(backend.startingLevels.get('aa02')).toBe(6);
  });

  it('lists devices already paired apart, as links to their screen', async () => {
    const backend = homeWithALight();
    backend.nearby.push({
      ...structuredClone(backend.nearby[0]!),
      found: {
        address: 'D0:5E:00:00:00:05',
        name: 'Hall light',
        kind: 'light',
        rssi: -50,
        pairingOpen: false,
        pairedAs: { id: 'aa05', name: 'Hall light' },
        supplyQuestion: null,
      },
    });
    const nav = new NavStore();
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav } });
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    const found = await screen.findByRole('list', { name: 'Devices found' });
    expect(within(found).queryByText('Hall light'), 'not offered for pairing again').toBeNull();
    const paired = screen.getByRole('list', { name: 'Already paired' });
    expect(within(paired).getByText('Light · paired with this phone')).toBeTruthy();
    await userEvent.click(within(paired).getByRole('button', { name: 'Hall light' }));
    expect(nav.screen).toEqual({ name: 'device', id: 'aa05' });
  });

  it('says which devices will not accept pairing until their button is pressed', async () => {
    const backend = homeWithALight();
    backend.nearby[0]!.found.pairingOpen = false;
    render(AddDevice, { props: { devices: new DevicesStore(backend), nav: new NavStore() } });
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    const found = await screen.findByRole('list', { name: 'Devices found' });
    expect(within(found).getByText('Not accepting pairing: press its pairing button first')).toBeTruthy();
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

const OFF = {
  state: 'off' as const,
  title: 'Bluetooth is off',
  advice: "Turn Bluetooth on in Settings or the quick settings panel. Steward reconnects your devices by itself when it is back.",
};
const ON = { state: 'on' as const, title: null, advice: null };

describe('Bluetooth switched off', () => {
  it('says so with what to do, stops scanning, and clears itself when Bluetooth is back', async () => {
    const backend = homeWithALight();
    const devices = new DevicesStore(backend);
    await devices.start();
    render(AddDevice, { props: { devices, nav: new NavStore() } });
    const scan = screen.getByRole('button', { name: 'Scan' }) as HTMLButtonElement;
    expect(screen.queryByTestId('bluetooth-notice')).toBeNull();
    expect(scan.disabled).toBe(false);
    await userEvent.click(scan);
    await screen.findByRole('list', { name: 'Devices found' });

    backend.setBluetooth(OFF);
    const notice = await screen.findByTestId('bluetooth-notice');
    expect(notice.textContent).toContain('Bluetooth is off');
    expect(notice.textContent).toContain('reconnects your devices by itself');
    expect(notice.closest('[role="status"]'), 'a status region announces the change').not.toBeNull();
    expect(scan.disabled, 'a scan cannot work while Bluetooth is off').toBe(true);
    expect(screen.queryByRole('list', { name: 'Devices found' }), 'devices out of reach are not offered').toBeNull();

    backend.setBluetooth(ON);
    await expect.poll(() => screen.queryByTestId('bluetooth-notice')).toBeNull();
    expect(scan.disabled).toBe(false);
  });

  it('reads the state at start, so an app opened with Bluetooth off says so at once', async () => {
    const backend = homeWithALight();
    backend.radio = OFF;
    const devices = new DevicesStore(backend);
    await devices.start();
    render(AddDevice, { props: { devices, nav: new NavStore() } });
    expect(screen.getByTestId('bluetooth-notice').dataset.state).toBe('off');
  });

  it('looks again when the owner comes back to the app, where the platform does not announce it', async () => {
    const backend = homeWithALight();
    const devices = new DevicesStore(backend);
    await devices.start();
    render(AddDevice, { props: { devices, nav: new NavStore() } });
    backend.radio = OFF; // switched off in the quick settings, with no announcement
    expect(screen.queryByTestId('bluetooth-notice')).toBeNull();
    document.dispatchEvent(new Event('visibilitychange'));
    expect((await screen.findByTestId('bluetooth-notice')).dataset.state).toBe('off');
  });

  it('removes a device in two steps, then says on Home what happened', async () => {
    const backend = homeWithALight();
    await backend.pairDevice('D0:5E:00:00:00:04', '4567-8901', null);
    const devices = new DevicesStore(backend);
    await devices.start();
    const nav = new NavStore();
    nav.go({ name: 'device', id: 'aa04' });
    render(Device, { props: { id: 'aa04', devices, nav } });
    await userEvent.click(await screen.findByRole('button', { name: 'Remove Kitchen light…' }));
    expect(backend.state.devices.length, 'one tap removes nothing').toBe(1);
    const remove = screen.getByRole('button', { name: 'Remove' });
    expect(document.activeElement).toBe(remove);
    expect(screen.getByRole('button', { name: 'Keep it' })).toBeTruthy();
    await userEvent.click(remove);
    await expect.poll(() => nav.screen).toEqual({ name: 'home' });
    expect(backend.state.devices).toEqual([]);
    expect(devices.notice).toContain('no longer accepts this phone');
  });

  it('says why a device that refuses is not connected, rather than "out of range"', async () => {
    const backend = homeWithALight();
    const why = 'It is refusing connections for 30 seconds after wrong codes were tried on it. Steward tries again then.';
    backend.nearby[0]!.detail.connected = false;
    backend.nearby[0]!.detail.problem = why;
    await backend.pairDevice('D0:5E:00:00:00:04', '4567-8901', null);
    const devices = new DevicesStore(backend);
    await devices.start();
    render(Device, { props: { id: 'aa04', devices, nav: new NavStore() } });
    expect((await screen.findByTestId('connection')).textContent?.trim()).toBe(why);
  });

  it('tells a disconnected device apart from one out of range', async () => {
    const backend = homeWithALight();
    backend.nearby[0]!.detail.connected = false;
    await backend.pairDevice('D0:5E:00:00:00:04', '4567-8901', null);
    backend.radio = OFF;
    const devices = new DevicesStore(backend);
    await devices.start();
    render(Device, { props: { id: 'aa04', devices, nav: new NavStore() } });
    expect((await screen.findByTestId('connection')).textContent?.trim()).toBe('Not connected while Bluetooth is off');
  });
});

const NEEDED = {
  state: 'permissionNeeded' as const,
  title: 'Allow Steward to find your devices',
  advice: 'Steward uses Bluetooth to find, pair and control the devices in your home. It does not use Bluetooth to work out where you are. Your phone will ask you next.',
};

describe('the Bluetooth permission, asked at the moment of need', () => {
  async function addDeviceOnAFreshPhone(answer: 'allow' | 'deny') {
    const backend = homeWithALight();
    backend.radio = NEEDED;
    backend.ownerAnswers = answer;
    const devices = new DevicesStore(backend);
    await devices.start();
    render(AddDevice, { props: { devices, nav: new NavStore() } });
    return backend;
  }

  it('shows the reason only after Scan, asks only after Continue, then scans', async () => {
    const backend = await addDeviceOnAFreshPhone('allow');
    expect(screen.queryByTestId('bluetooth-notice'), 'nothing is asked before the owner wants to scan').toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    const reason = await screen.findByTestId('bluetooth-notice');
    expect(reason.textContent).toContain('does not use Bluetooth to work out where you are');
    expect(backend.asked, 'the system question waits for the owner to read why').toBe(0);
    const allow = screen.getByRole('button', { name: 'Continue' });
    expect(document.activeElement, 'the choice has the focus').toBe(allow);
    expect(screen.getByRole('button', { name: 'Not now' })).toBeTruthy();

    await userEvent.click(allow);
    expect(backend.asked).toBe(1);
    const found = await screen.findByRole('list', { name: 'Devices found' });
    expect(within(found).getByText('Kitchen light')).toBeTruthy();
    expect(screen.queryByTestId('bluetooth-notice')).toBeNull();
  });

  it('after a refusal says what to do and opens the settings', async () => {
    const backend = await addDeviceOnAFreshPhone('deny');
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    const notice = await screen.findByTestId('bluetooth-notice');
    await expect.poll(() => notice.dataset.state).toBe('permissionDenied');
    expect(notice.textContent).toContain('Steward may not use Bluetooth');
    expect((screen.getByRole('button', { name: 'Scan' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Open settings' }));
    expect(backend.settingsOpened).toBe(1);
  });

  it('"Not now" asks nothing and lets the owner come back to it', async () => {
    const backend = await addDeviceOnAFreshPhone('allow');
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Not now' }));
    expect(screen.queryByTestId('bluetooth-notice')).toBeNull();
    expect(backend.asked).toBe(0);
    await userEvent.click(screen.getByRole('button', { name: 'Scan' }));
    expect(await screen.findByRole('button', { name: 'Continue' })).toBeTruthy();
  });
});

describe('a device screen', () => {
  async function openLight() {
    const backend = homeWithALight();
    await backend.pairDevice('D0:5E:00:00:00:04', '4567-8901', null);
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
    expect(screen.getByTestId('command-confirmed').textContent).toBe('Turned on: the device confirmed.');
    await userEvent.click(screen.getByRole('button', { name: 'Identify (blink or beep)' }));
    await expect
      .poll(() => screen.getByTestId('command-confirmed').textContent)
      .toBe('Identify: the device confirmed.');
  });

  it('sends the brightness when the slider is let go, with no separate Set', async () => {
    await openLight();
    expect(screen.queryByRole('button', { name: 'Set' })).toBeNull();
    const slider = screen.getByLabelText(/Brightness/);
    await fireEvent.input(slider, { target: { value: '35' } });
    expect(screen.getByTestId('device-state').textContent, 'not while dragging').toBe('Off');
    await fireEvent.change(slider, { target: { value: '35' } });
    await expect.poll(() => screen.getByTestId('device-state').textContent).toBe('On · 35%');
    expect(screen.getByTestId('command-confirmed').textContent).toBe('Brightness 35%: the device confirmed.');
  });

  it('follows announcements: a device out of range shows how old its state is and what to do', async () => {
    const backend = await openLight();
    backend.announce('aa04', { connected: false, stateAt: Math.floor(Date.now() / 1000) - 12 * 60 });
    expect(await screen.findByText('Out of range')).toBeTruthy();
    expect(screen.getByTestId('device-state').textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Last reported 12 minutes ago: Off. It may have changed since.',
    );
    expect(screen.queryByRole('button', { name: 'Turn on' })).toBeNull();
    expect(screen.getByTestId('controls-unavailable').textContent?.trim()).toBe(
      'Its controls come back when it is in reach: bring your phone closer, or check that it is switched on. Steward reconnects on its own.',
    );
    backend.announce('aa04', { state: null, stateAt: null });
    expect(await screen.findByText('Nothing reported since Steward started.')).toBeTruthy();
  });

  it('says why a command failed', async () => {
    const backend = await openLight();
    const { BackendError } = await import('../backend');
    backend.failNext = new BackendError('device', 'The device did not answer in time.');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on' }));
    expect((await screen.findByRole('alert')).textContent).toContain('did not answer');
  });
});

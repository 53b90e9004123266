import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CommandInput, DeviceDetailView } from '../backend';
import DeviceControls from './DeviceControls.svelte';

const player: DeviceDetailView = {
  id: 'aa03',
  name: 'Blu-ray player',
  kind: 'bluray_player',
  connected: true,
  state: { kind: 'bluRayPlayer', power: true, playback: 'menu' },
  firmware: null,
  batteryPercent: null,
  problem: null,
        stateAt: null,
};

describe('the Blu-ray player from the phone', () => {
  it('can walk its menus: arrows, OK and Back', async () => {
    const sent: CommandInput[] = [];
    render(DeviceControls, { props: { device: player, send: async (c: CommandInput) => void sent.push(c) } });
    const pad = screen.getByRole('group', { name: 'Menu navigation' });
    for (const name of ['Up', 'Right', 'Down', 'Left', 'OK', 'Back']) {
      await userEvent.click(within(pad).getByRole('button', { name }));
    }
    expect(sent).toEqual(
      ['up', 'right', 'down', 'left', 'ok', 'back'].map((button) => ({ type: 'pressButton', button })),
    );
  });
});

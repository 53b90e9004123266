import { describe, expect, it } from 'vitest';
import { celsius, describeState, kindLabel } from './describe';

describe('describing devices', () => {
  it('says what each kind last reported, in plain words', () => {
    expect(describeState({ kind: 'soapDispenser', remaining: 10, capacity: 40 })).toBe('10 of 40 packets left');
    expect(describeState({ kind: 'light', on: true, brightness: 35 })).toBe('On · 35%');
    expect(describeState({ kind: 'light', on: false, brightness: 35 })).toBe('Off');
    expect(
      describeState({ kind: 'thermostat', currentCentiCelsius: 2050, targetCentiCelsius: 2100, mode: 'heat', heating: true }),
    ).toBe('20.5 °C now · set to 21.0 °C · heat · heating');
    expect(describeState(null)).toBe('No state reported yet');
  });

  it('counts in the right number: 1 slice, 2 slices, 0 slices', () => {
    const toaster = (slicesTotal: number) => describeState({ kind: 'toaster', toasting: false, shade: 4, slicesTotal });
    expect(toaster(1)).toBe('Idle · 1 slice toasted');
    expect(toaster(2)).toBe('Idle · 2 slices toasted');
    expect(toaster(0)).toBe('Idle · 0 slices toasted');
  });

  it('formats temperatures and names kinds, with a fallback for unknown ones', () => {
    expect(celsius(-1000)).toBe('-10.0 °C');
    expect(kindLabel('bluray_player')).toBe('Blu-ray player');
    expect(kindLabel('fridge')).toBe('Device');
  });
});

describe('ago', () => {
  it('says the age of a state in words, in the owner\'s language', async () => {
    const { ago } = await import('./describe');
    const now = 1_800_000_000_000;
    expect(ago(now / 1000 - 10, now, 'en')).toBe('just now');
    expect(ago(now / 1000 - 60, now, 'en')).toBe('1 minute ago');
    expect(ago(now / 1000 - 12 * 60, now, 'en')).toBe('12 minutes ago');
    expect(ago(now / 1000 - 3 * 3600, now, 'en')).toBe('3 hours ago');
    expect(ago(now / 1000 - 3 * 86400, now, 'en')).toBe('3 days ago');
    expect(ago(now / 1000 - 12 * 60, now, 'de')).toBe('vor 12 Minuten');
  });
});

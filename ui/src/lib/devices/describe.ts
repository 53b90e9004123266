// Plain words for a device's kind and state, shared by the list and the device screen.
import type { CommandInput, DeviceStateView } from '../backend';

const KIND_LABELS: Record<string, string> = {
  soap_dispenser: 'Soap dispenser',
  toaster: 'Toaster',
  bluray_player: 'Blu-ray player',
  light: 'Light',
  thermostat: 'Thermostat',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? 'Device';
}

/** 2150 → "21.5 °C". */
export function celsius(centi: number): string {
  return `${(centi / 100).toFixed(1)} °C`;
}

/** What a command did, in a few words, for the line that confirms it. */
export function describeCommand(command: CommandInput): string {
  switch (command.type) {
    case 'identify':
      return 'Identify';
    case 'setPower':
      return command.on ? 'Turned on' : 'Turned off';
    case 'setBrightness':
      return `Brightness ${command.percent}%`;
    case 'setTargetTemperature':
      return `Target ${celsius(command.centiCelsius)}`;
    case 'setMode':
      return `Mode ${command.mode}`;
    case 'startToasting':
      return `Toasting at shade ${command.shade}`;
    case 'cancelToasting':
      return 'Toasting cancelled';
    case 'refill':
      return `Refill of ${command.packets}`;
    case 'pressButton':
      return `${command.button[0]!.toUpperCase()}${command.button.slice(1)} pressed`;
  }
}

/** The English word for `count` of something, through the platform's plural rules. */
function plural(count: number, one: string, other: string): string {
  return new Intl.PluralRules('en').select(count) === 'one' ? one : other;
}

/** A one-line summary of what the device last reported. */
export function describeState(state: DeviceStateView | null): string {
  if (state === null) return 'No state reported yet';
  switch (state.kind) {
    case 'soapDispenser':
      return `${state.remaining} of ${state.capacity} ${plural(state.capacity, 'packet', 'packets')} left`;
    case 'toaster':
      return state.toasting
        ? `Toasting at shade ${state.shade}`
        : `Idle · ${state.slicesTotal} ${plural(state.slicesTotal, 'slice', 'slices')} toasted`;
    case 'bluRayPlayer':
      return state.power ? `On · ${state.playback}` : 'Off';
    case 'light':
      return state.on ? `On · ${state.brightness}%` : 'Off';
    case 'thermostat':
      return `${celsius(state.currentCentiCelsius)} now · set to ${celsius(state.targetCentiCelsius)} · ${state.mode}${
        state.heating ? ' · heating' : ''
      }`;
  }
}

/** How long ago a Unix time was, in the owner's words and language: "5 minutes ago", "just now". */
export function ago(unixSeconds: number, nowMs: number = Date.now(), locale?: string): string {
  const seconds = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (seconds < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return format.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 48) return format.format(-hours, 'hour');
  return format.format(-Math.round(hours / 24), 'day');
}

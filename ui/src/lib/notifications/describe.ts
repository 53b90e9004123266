// Plain words for the notifications screen: when something was decided, which kind of
// notification it was, and whether it reached the owner.
import type { LabelView } from '../backend';

/** The channels' names, for when the core's list has not arrived. */
const CHANNELS: LabelView[] = [
  { id: 'device-alerts', label: 'Device alerts' },
  { id: 'reminders', label: 'Your reminders' },
  { id: 'tutorials', label: 'Help from makers' },
  { id: 'offers', label: 'Offers' },
];

/** A channel's name from the core's list (or the usual one). */
export function channelText(channels: LabelView[], id: string): string {
  return (channels.find((c) => c.id === id) ?? CHANNELS.find((c) => c.id === id))?.label ?? id;
}

/** Whether a notification appeared for it (new, or replacing an earlier one). */
export function notified(outcome: string): boolean {
  return outcome === 'shown' || outcome === 'replaced';
}

/** The short label beside an entry, so the outcome never rests on colour alone. */
export function outcomeText(outcome: string): string {
  switch (outcome) {
    case 'shown':
    case 'replaced':
      return 'Notified';
    case 'held':
      return 'Held back';
    default:
      return 'Not notified';
  }
}

/** The core's words as a sentence: "held until 07:00: quiet hours" → "Held until 07:00: quiet hours." */
export function sentence(words: string): string {
  const text = words.trim();
  if (text === '') return text;
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function dayNumber(date: Date): number {
  return Math.round(new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime() / 86_400_000);
}

/** "Today 21:04", "Yesterday 07:00", or a short date with the time ("3 Mar, 21:04"; the year
 *  too when it is not this year), in the owner's locale and time zone. */
export function whenText(unixSeconds: number, now: Date = new Date(), locale?: string): string {
  const at = new Date(unixSeconds * 1000);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(at);
  const daysAgo = dayNumber(now) - dayNumber(at);
  if (daysAgo === 0) return `Today ${time}`;
  if (daysAgo === 1) return `Yesterday ${time}`;
  const date = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  }).format(at);
  return `${date}, ${time}`;
}

/** A notification setting's time ("HH:MM") as the field shows it; "" when there is none. */
export function timeOf(value: string | null): string {
  return value !== null && /^\d{2}:\d{2}/.test(value) ? value.slice(0, 5) : '';
}

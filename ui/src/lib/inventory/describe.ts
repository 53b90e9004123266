// Words for the inventory's figures: stock and forecast as a person reads them.
import type { ConsumableSummaryView } from '../backend';

/** "packet" → "packets" for any count but one. */
export function unitFor(unit: string, count: number): string {
  return count === 1 || unit.endsWith('s') ? unit : `${unit}s`;
}

/** "10 of 40 packets left"; with more than a pack in the house, "48 packets left". */
export function stockText(c: ConsumableSummaryView): string {
  if (c.remaining > c.capacity) return `${c.remaining} ${unitFor(c.unit, c.remaining)} left`;
  return `${c.remaining} of ${c.capacity} ${unitFor(c.unit, c.capacity)} left`;
}

/** "2026-11-28" → "28 Nov" (en-GB), "Nov 28" (en-US), …: the one way dates are shown, in the
 *  owner's locale (or `locale`). The ISO date is a calendar day, so it is formatted in UTC. */
export function shortDate(iso: string, locale?: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  if (!year || !month || !day) return iso;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(year, month - 1, day)),
  );
}

/** "About 4 days left · empty around 27 Nov", or why there is no forecast. */
export function forecastText(c: ConsumableSummaryView): string {
  if (c.daysLeft === null || c.emptyDate === null) return 'No forecast yet';
  if (c.remaining === 0) return 'Empty';
  const days = c.daysLeft === 0 ? 'Runs out today' : `About ${c.daysLeft} ${c.daysLeft === 1 ? 'day' : 'days'} left`;
  return c.daysLeft === 0 ? days : `${days} · empty around ${shortDate(c.emptyDate)}`;
}

/** The sentence under the forecast: what it rests on ("Based on use of about 2 a day over the
 *  last 2 weeks."), or, with no forecast, why not, as the core said it. */
export function explanationText(c: ConsumableSummaryView, explanation: string): string {
  const sentence = explanation.endsWith('.') ? explanation : `${explanation}.`;
  if (c.daysLeft !== null) return `Based on use of ${sentence}`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

// Plain words for the privacy center: outcomes, receipt events, dates.
import type { LabelView } from '../backend';

/** The label for an id from the core's list, or the id itself. */
export function labelOf(list: LabelView[], id: string): string {
  return list.find((l) => l.id === id)?.label ?? id;
}

/** What happened to a request, for a person. */
export function outcomeText(outcome: string, detail: string | null): string {
  switch (outcome) {
    case 'delivered':
      return 'Delivered';
    case 'refused':
      return detail ? `Refused by the partner: ${detail}` : 'Refused by the partner';
    case 'failed':
      return detail ? `Not delivered: ${detail}` : 'Not delivered';
    default:
      return 'Sending…';
  }
}

/** A receipt's event, for a person. */
export function eventText(event: string): string {
  switch (event) {
    case 'given':
      return 'Allowed';
    case 'modified':
      return 'Changed';
    case 'withdrawn':
      return 'Withdrawn';
    default:
      return event;
  }
}

/** A moment as a date and time in the owner's locale. */
export function when(unixSeconds: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(unixSeconds * 1000),
  );
}

/** A day in the owner's locale. */
export function day(unixSeconds: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(unixSeconds * 1000));
}

/** A JSON text, indented for reading; the text as it is when it is not JSON. */
export function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

import { describe, expect, it } from 'vitest';
import { channelText, notified, outcomeText, sentence, timeOf, whenText } from './describe';

const at = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).getTime() / 1000;

describe('notification words', () => {
  it('says when in the owner’s day: today, yesterday, or a short date', () => {
    const now = new Date(2026, 2, 10, 22, 30);
    expect(whenText(at(2026, 3, 10, 21, 4), now, 'en-GB')).toBe('Today 21:04');
    expect(whenText(at(2026, 3, 10, 0, 5), now, 'en-GB')).toBe('Today 00:05');
    expect(whenText(at(2026, 3, 9, 7, 0), now, 'en-GB')).toBe('Yesterday 07:00');
    expect(whenText(at(2026, 3, 3, 21, 4), now, 'en-GB')).toBe('3 Mar, 21:04');
    expect(whenText(at(2025, 12, 31, 8, 15), now, 'en-GB')).toBe('31 Dec 2025, 08:15');
  });

  it('puts the core’s words as a sentence, and labels the outcome in words', () => {
    expect(sentence('held until 07:00: quiet hours')).toBe('Held until 07:00: quiet hours.');
    expect(sentence("in your inbox, not notified: today's limit of 3 offers")).toBe(
      "In your inbox, not notified: today's limit of 3 offers.",
    );
    expect(sentence('shown.')).toBe('Shown.');
    expect(outcomeText('shown')).toBe('Notified');
    expect(outcomeText('replaced')).toBe('Notified');
    expect(outcomeText('held')).toBe('Held back');
    expect(outcomeText('inbox')).toBe('Not notified');
    expect(outcomeText('dropped')).toBe('Not notified');
    expect(notified('replaced')).toBe(true);
    expect(notified('inbox')).toBe(false);
  });

  it('names channels from the core’s list, and knows them before it arrives', () => {
    expect(channelText([{ id: 'offers', label: 'Deals' }], 'offers')).toBe('Deals');
    expect(channelText([], 'device-alerts')).toBe('Device alerts');
    expect(channelText([], 'tutorials')).toBe('Help from makers');
    expect(channelText([], 'something-new')).toBe('something-new');
  });

  it('reads times as the time field shows them', () => {
    expect(timeOf('07:00')).toBe('07:00');
    expect(timeOf('22:15:00')).toBe('22:15');
    expect(timeOf(null)).toBe('');
    expect(timeOf('soon')).toBe('');
  });
});

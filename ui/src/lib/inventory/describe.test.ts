import { describe, expect, it } from 'vitest';
import type { ConsumableSummaryView } from '../backend';
import { explanationText, forecastText, shortDate, stockText, unitFor } from './describe';

const soap: ConsumableSummaryView = {
  id: 1,
  name: 'Dish soap',
  brand: null,
  unit: 'packet',
  remaining: 8,
  capacity: 40,
  threshold: 8,
  low: true,
  daysLeft: 4,
  emptyDate: '2026-11-27',
  deviceId: null,
};

describe('inventory words', () => {
  it('says stock with the unit in the right number', () => {
    expect(stockText(soap)).toBe('8 of 40 packets left');
    expect(stockText({ ...soap, remaining: 48 })).toBe('48 packets left');
    expect(unitFor('slice', 1)).toBe('slice');
    expect(unitFor('grams', 2)).toBe('grams');
  });

  it('says the forecast, or that there is none', () => {
    expect(forecastText(soap)).toBe(`About 4 days left · empty around ${shortDate('2026-11-27')}`);
    expect(forecastText({ ...soap, daysLeft: 1 })).toBe(`About 1 day left · empty around ${shortDate('2026-11-27')}`);
    expect(forecastText({ ...soap, daysLeft: 0 })).toBe('Runs out today');
    expect(forecastText({ ...soap, daysLeft: null, emptyDate: null })).toBe('No forecast yet');
    expect(shortDate('2027-01-05', 'en-GB')).toBe('5 Jan');
    expect(shortDate('2027-01-05', 'en-US')).toBe('Jan 5');
    expect(shortDate('2027-01-05', 'de-DE')).toBe('5. Jan.');
  });
});

describe('the forecast explained', () => {
  it('says what a forecast rests on, and why there is none in a sentence of its own', () => {
    expect(explanationText(soap, 'about 2 a day over the last 2 weeks')).toBe('Based on use of about 2 a day over the last 2 weeks.');
    const none = { ...soap, daysLeft: null, emptyDate: null };
    expect(explanationText(none, '2 used today: too little history to forecast yet (it takes 3 days of use)')).toBe(
      '2 used today: too little history to forecast yet (it takes 3 days of use).',
    );
    expect(explanationText(none, 'no use recorded yet')).toBe('No use recorded yet.');
    expect(explanationText(none, 'hardly used lately')).toBe('Hardly used lately.');
  });
});

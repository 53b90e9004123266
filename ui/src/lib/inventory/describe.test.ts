import { describe, expect, it } from 'vitest';
import type { ConsumableSummaryView } from '../backend';
import { forecastText, shortDate, stockText, unitFor } from './describe';

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

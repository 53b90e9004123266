import { describe, expect, it } from 'vitest';
import { dealText, distanceText, storeText } from './describe';

describe('offer words', () => {
  it('reads distances as the core writes them', () => {
    expect(distanceText(2)).toBe('10 m');
    expect(distanceText(284.6)).toBe('280 m');
    expect(distanceText(1234)).toBe('1.2 km');
    expect(distanceText(24_400)).toBe('24 km');
  });

  it('names the deal and the store only as far as they are known', () => {
    expect(dealText('3.49 EUR', 15)).toBe('3.49 EUR, 15% off');
    expect(dealText(null, 30)).toBe('30% off');
    expect(dealText('2.29 EUR', null)).toBe('2.29 EUR');
    expect(dealText(null, null)).toBeNull();
    expect(dealText('2.29 EUR', 0)).toBe('2.29 EUR');
    expect(storeText('Main Street Market', 280)).toBe('Main Street Market, 280 m away');
    expect(storeText('Main Street Market', null)).toBe('Main Street Market');
    expect(storeText(null, 10)).toBeNull();
  });
});

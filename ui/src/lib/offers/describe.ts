// Words for the offers screen: distances and deals as the owner reads them.

/** "280 m", "1.2 km", "24 km"; as the core words it in explanations. */
export function distanceText(meters: number): string {
  if (meters < 1000) return `${Math.max(10, Math.round(meters / 10) * 10)} m`;
  if (meters < 10_000) return `${(meters / 1000).toFixed(1)} km`;
  return `${Math.round(meters / 1000)} km`;
}

/** "3.49 EUR, 15% off"; just the price, or just the discount, when that is all there is. */
export function dealText(price: string | null, discountPercent: number | null): string | null {
  const parts = [price, discountPercent ? `${discountPercent}% off` : null].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}

/** "Main Street Market, 280 m away" or just the store. */
export function storeText(store: string | null, distanceMeters: number | null): string | null {
  if (store === null) return null;
  return distanceMeters === null ? store : `${store}, ${distanceText(distanceMeters)} away`;
}

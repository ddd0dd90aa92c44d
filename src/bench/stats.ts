/** Order statistics over repeats: the median as the figure, with min and max beside it. */

/** A figure over repeats. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation. REQUIRES: values is non-empty. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median, min and max of `values`; null iff there are none. */
export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** `spread` of the non-null values. */
export function spreadOf(values: readonly (number | null | undefined)[]): Spread | null {
  return spread(values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
}

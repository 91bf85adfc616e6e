/** Order statistics of repeated timings, shared by the benchmarks. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median (mean of the middle two for an even count), min, max and count; rounded to `decimals` when given. */
export function stat(samples: readonly number[], decimals?: number): Stat {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  const r = (x: number): number => (decimals === undefined ? x : Math.round(x * 10 ** decimals) / 10 ** decimals);
  return { median: r(median), min: r(s[0] ?? 0), max: r(s[s.length - 1] ?? 0), n: s.length };
}

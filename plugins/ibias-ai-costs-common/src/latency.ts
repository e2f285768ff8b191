/**
 * The upper bounds (inclusive, milliseconds) of the latency buckets every hourly rollup
 * counts calls in; a last bucket, past the final bound, holds the slower ones. 10 s (the
 * seed's latency rule) is a bound, so "p95 over 10 s" is decided by counts, not by
 * interpolation. Changing the ladder needs a migration: each bucket is a column.
 */
export const LATENCY_BUCKET_BOUNDS_MS = [
  100, 250, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 30_000, 60_000,
] as const;

/** How many buckets a rollup row holds: one per bound and the one past the last. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/** The bucket a call of `latencyMs` is counted in (the first whose bound it does not pass). */
export function latencyBucketIndex(latencyMs: number): number {
  const i = LATENCY_BUCKET_BOUNDS_MS.findIndex(bound => latencyMs <= bound);
  return i < 0 ? LATENCY_BUCKET_BOUNDS_MS.length : i;
}

/**
 * The `q` quantile (0 < q ≤ 1) of the calls counted in `counts` (one count per bucket, in
 * ladder order), or null without calls. The rank is the nearest-rank one (the
 * ceil(q × n)-th fastest call), placed by linear interpolation inside its bucket, as
 * Prometheus's histogram_quantile does; in the last, open-ended bucket it is that
 * bucket's lower bound (all that is known is "slower than 60 s").
 */
export function latencyQuantileFromBuckets(
  counts: ReadonlyArray<number>,
  q: number,
): number | null {
  if (counts.length !== LATENCY_BUCKET_COUNT) {
    throw new Error(
      `Expected ${LATENCY_BUCKET_COUNT} latency buckets, got ${counts.length}`,
    );
  }
  if (!(q > 0 && q <= 1)) throw new Error(`Quantile ${q} is not in (0, 1]`);
  const total = counts.reduce((s, c) => s + c, 0);
  if (total <= 0) return null;
  const rank = Math.ceil(q * total);
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count > 0 && below + count >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[i - 1];
      if (i === LATENCY_BUCKET_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BUCKET_BOUNDS_MS[i];
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  // Unreachable: the ranks add up to the total.
  return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1];
}

/** The p95 latency of the calls counted in `counts`, or null without calls. */
export const p95FromBuckets = (counts: ReadonlyArray<number>) =>
  latencyQuantileFromBuckets(counts, 0.95);

/** Adds bucket counts together (rollup rows of the same window). */
export function addBuckets(
  into: number[],
  counts: ReadonlyArray<number>,
): number[] {
  for (let i = 0; i < LATENCY_BUCKET_COUNT; i++) {
    into[i] = (into[i] ?? 0) + (counts[i] ?? 0);
  }
  return into;
}

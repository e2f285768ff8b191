import {
  addBuckets,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  latencyQuantileFromBuckets,
  p95FromBuckets,
} from './latency';

/** Bucket counts from latencies, as the rollups count them. */
const bucketsOf = (latencies: number[]) => {
  const counts = new Array(LATENCY_BUCKET_COUNT).fill(0);
  for (const ms of latencies) counts[latencyBucketIndex(ms)] += 1;
  return counts;
};
const repeat = (ms: number, n: number) => new Array(n).fill(ms);

describe('latency buckets', () => {
  it('has 10 s as a bound (the seed rule is decided by counts)', () => {
    expect(LATENCY_BUCKET_BOUNDS_MS).toContain(10_000);
    expect(LATENCY_BUCKET_COUNT).toBe(LATENCY_BUCKET_BOUNDS_MS.length + 1);
  });

  it.each([
    [0, 0],
    [100, 0],
    [100.5, 1],
    [250, 1],
    [999, 3],
    [10_000, 6],
    [10_000.001, 7],
    [60_000, 9],
    [60_001, 10],
    [86_400_000, 10],
  ])('%s ms is counted in bucket %s', (ms, index) => {
    expect(latencyBucketIndex(ms)).toBe(index);
  });
});

describe('the p95 from bucket counts', () => {
  it.each<[string, number[], number | null]>([
    ['no calls', [], null],
    // 100 calls at 50 ms: rank 95 of 100 in [0, 100].
    ['all fast', repeat(50, 100), 95],
    // 95 under 100 ms and 5 at 15 s: the 95th is the last fast one, the bound.
    ['95 fast, 5 slow', [...repeat(50, 95), ...repeat(15_000, 5)], 100],
    // 94 fast, 6 at 15 s: the 95th is the first slow one, in (10 s, 20 s].
    [
      '94 fast, 6 slow',
      [...repeat(50, 94), ...repeat(15_000, 6)],
      10_000 + 10_000 / 6,
    ],
    // Exactly at the bound is counted in (5 s, 10 s]: rank 38 of 40, not over 10 s.
    ['all at 10 s', repeat(10_000, 40), 5_000 + (5_000 * 38) / 40],
    // Slower than the last bound: all that is known is "at least 60 s".
    ['all over a minute', repeat(120_000, 20), 60_000],
    // One call: it is its own p95, placed at its bucket's bound.
    ['one call', [700], 1_000],
  ])('%s', (_name, latencies, p95) => {
    const got = p95FromBuckets(bucketsOf(latencies));
    // Compared to 6 decimals (the interpolation divides).
    expect(got === null ? null : Number(got.toFixed(6))).toEqual(
      p95 === null ? null : Number(p95.toFixed(6)),
    );
  });

  it.each([
    // 20 calls, half at 200 ms and half at 12 s.
    [0.5, 250],
    [0.55, 10_000 + 10_000 / 10],
    [1, 20_000],
  ])('quantile %s of a split sample is %s', (q, value) => {
    const counts = bucketsOf([...repeat(200, 10), ...repeat(12_000, 10)]);
    expect(latencyQuantileFromBuckets(counts, q)).toBeCloseTo(value, 6);
  });

  it('is over 10 s exactly when more than 5 % of the calls are', () => {
    for (let slow = 0; slow <= 20; slow++) {
      const counts = bucketsOf([
        ...repeat(300, 100 - slow),
        ...repeat(11_000, slow),
      ]);
      expect(p95FromBuckets(counts)! > 10_000).toBe(slow > 5);
    }
  });

  it('refuses a ladder of another length and a quantile out of range', () => {
    expect(() => latencyQuantileFromBuckets([1, 2], 0.95)).toThrow(
      /Expected 11 latency buckets/,
    );
    expect(() => latencyQuantileFromBuckets(bucketsOf([1]), 0)).toThrow();
    expect(() => latencyQuantileFromBuckets(bucketsOf([1]), 1.5)).toThrow();
  });

  it('adds rows of the same window together', () => {
    const a = bucketsOf([50, 50, 15_000]);
    const b = bucketsOf([50, 70_000]);
    expect(addBuckets([...a], b)).toEqual(
      bucketsOf([50, 50, 15_000, 50, 70_000]),
    );
    expect(addBuckets([], a)).toEqual(a);
  });
});

import { RateLimiter } from './RateLimiter';

describe('RateLimiter', () => {
  it('lets a burst through, then one per 1/perSecond, per caller', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take('svc-a'))).toEqual([0, 0, 0, 1]);
    // Another caller has its own bucket.
    expect(limiter.take('svc-b')).toBe(0);
    now = 500; // half a second: one token for svc-a
    expect(limiter.take('svc-a')).toBe(0);
    expect(limiter.take('svc-a')).toBe(1);
    now = 10_000; // refilled to the burst, never beyond
    expect([1, 2, 3, 4].map(() => limiter.take('svc-a'))).toEqual([0, 0, 0, 1]);
  });

  it('says how many seconds to wait, at least 1', () => {
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1, now: () => 0 });
    expect(limiter.take('x')).toBe(0);
    expect(limiter.take('x')).toBe(10);
  });

  it('forgets the oldest callers past its bound', () => {
    const limiter = new RateLimiter({
      perSecond: 1,
      burst: 1,
      now: () => 0,
      maxCallers: 2,
    });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // a was forgotten: it starts with a full bucket again.
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('c')).toBe(1);
  });
});

describe('the daily event quota', () => {
  it.each([
    ['within the quota', [400, 500], 1000, [0, 0]],
    [
      'past it: refused whole, until the next UTC day',
      [600, 500],
      1000,
      [0, 43200],
    ],
    ['exactly the quota', [1000, 1], 1000, [0, 43200]],
  ])('%s', (_what, batches, max, expected) => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const limiter = new RateLimiter({
      perSecond: 1,
      burst: 1,
      maxEventsPerDay: max,
      now: () => now,
    });
    expect(batches.map(n => limiter.takeEvents('svc', n))).toEqual(expected);
  });

  it('starts again each UTC day, and counts each caller apart', () => {
    let now = Date.parse('2026-12-07T23:59:00Z');
    const limiter = new RateLimiter({
      perSecond: 1,
      burst: 1,
      maxEventsPerDay: 10,
      now: () => now,
    });
    expect(limiter.takeEvents('a', 10)).toBe(0);
    expect(limiter.takeEvents('a', 1)).toBe(60);
    expect(limiter.takeEvents('b', 10)).toBe(0);
    now = Date.parse('2026-12-08T00:00:01Z');
    expect(limiter.takeEvents('a', 10)).toBe(0);
  });
});

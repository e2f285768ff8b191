import { moverRanges, topMovers } from './TopMovers';

const totals = (rows: Array<[string, number]>) => ({
  totals: rows.map(([key, costMicros]) => ({
    key,
    label: key.split('/').pop()!,
    costMicros,
    calls: 1,
    unpricedCalls: 0,
    share: 0,
  })),
});

describe('topMovers', () => {
  it.each([
    [
      'largest absolute change first, up or down',
      totals([
        ['component:default/a', 5_000_000],
        ['component:default/b', 1_000_000],
        ['component:default/c', 9_000_000],
      ]),
      totals([
        ['component:default/a', 1_000_000],
        ['component:default/b', 8_000_000],
        ['component:default/c', 9_000_000],
      ]),
      [
        ['component:default/b', -7_000_000],
        ['component:default/a', 4_000_000],
      ],
    ],
    [
      'a service new in the range, and one gone from it',
      totals([['component:default/new', 2_000_000]]),
      totals([['component:default/gone', 3_000_000]]),
      [
        ['component:default/gone', -3_000_000],
        ['component:default/new', 2_000_000],
      ],
    ],
    ['nothing either side', totals([]), totals([]), []],
  ])('%s', (_what, now, before, expected) => {
    expect(topMovers(now, before).map(m => [m.key, m.deltaMicros])).toEqual(
      expected,
    );
  });

  it('keeps the five largest, ties by name', () => {
    const now = totals(
      Array.from({ length: 8 }, (_, i) => [`component:default/s${i}`, 1_000]),
    );
    expect(topMovers(now, totals([])).map(m => m.key)).toEqual([
      'component:default/s0',
      'component:default/s1',
      'component:default/s2',
      'component:default/s3',
      'component:default/s4',
    ]);
  });
});

describe('moverRanges', () => {
  const now = Date.parse('2026-12-07T10:20:00Z');
  it.each([
    [
      '7 days: whole days, today in progress, the 7 before',
      7 * 86_400_000,
      ['2026-12-01T00:00:00.000Z', '2026-12-07T10:20:00.000Z'],
      ['2026-11-24T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
      'day',
    ],
    [
      '24 hours: whole hours',
      86_400_000,
      ['2026-12-06T11:00:00.000Z', '2026-12-07T10:20:00.000Z'],
      ['2026-12-05T11:00:00.000Z', '2026-12-06T11:00:00.000Z'],
      'hour',
    ],
  ])('%s', (_what, rangeMs, [nowFrom, nowTo], [beforeFrom, beforeTo], g) => {
    const [current, before] = moverRanges(rangeMs, now);
    expect(current).toEqual({ from: nowFrom, to: nowTo, granularity: g });
    expect(before).toEqual({ from: beforeFrom, to: beforeTo, granularity: g });
  });
});

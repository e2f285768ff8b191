import {
  backtestMonthEnd,
  forecastMonthEnd,
  meanAbsolutePercentageError,
  weekdayFactors,
  type DailyCost,
} from './forecast';

const DAY = 86_400_000;
/** Days from `first` (YYYY-MM-DD), each costing cost(i, weekday Monday 0 … Sunday 6). */
function days(
  first: string,
  n: number,
  cost: (i: number, weekday: number) => number,
): DailyCost[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => {
    const t = start + i * DAY;
    return {
      day: new Date(t).toISOString().slice(0, 10),
      costMicros: cost(i, (new Date(t).getUTCDay() + 6) % 7),
    };
  });
}

describe('forecastMonthEnd', () => {
  it.each([['2026-12-01T12:00:00Z'], ['2026-12-02T23:00:00Z']])(
    'has none before day 3 (%s)',
    now => {
      expect(
        forecastMonthEnd(
          days('2026-11-01', 31, () => 10),
          new Date(now),
        ),
      ).toEqual({
        available: false,
        reason: 'the forecast starts on day 3 of the month',
      });
    },
  );

  it('a flat $10 a day: spent so far plus 10 a day to the end, with a narrow band', () => {
    // December 10, 00:00: nine whole days spent (90), 22 days left.
    const history = days('2026-11-20', 20, () => 10_000_000);
    const f = forecastMonthEnd(history, new Date('2026-12-10T00:00:00Z'));
    expect(f).toMatchObject({
      available: true,
      actualMicros: 90_000_000,
      forecastMicros: 310_000_000,
      dailyRateMicros: 10_000_000,
    });
    if (!f.available) return;
    // No error in a flat series: the band is the forecast itself.
    expect([f.lowMicros, f.highMicros]).toEqual([310_000_000, 310_000_000]);
    expect(f.weekdayFactors.every(x => Math.abs(x - 1) < 1e-9)).toBe(true);
  });

  it('counts the rest of today by the hour', () => {
    const history = [
      ...days('2026-12-01', 9, () => 24_000_000),
      { day: '2026-12-10', costMicros: 12_000_000 },
    ];
    const f = forecastMonthEnd(history, new Date('2026-12-10T12:00:00Z'));
    // 9 × 24 + 12 spent; half of today (12) and 21 more days at 24.
    expect(f).toMatchObject({
      actualMicros: 228_000_000,
      forecastMicros: 744_000_000,
    });
  });

  it('weighs weekdays after 14 days: quiet weekends stay quiet', () => {
    // $14 on weekdays, $2 at weekends, for four weeks before December.
    const cost = (_i: number, w: number) => (w >= 5 ? 2_000_000 : 14_000_000);
    const history = days('2026-11-02', 38, cost); // to December 9
    const f = forecastMonthEnd(history, new Date('2026-12-10T00:00:00Z'));
    if (!f.available) throw new Error(f.reason);
    // December 10–31: 16 weekdays, 6 weekend days → 16 × 14 + 6 × 2 = 236 more.
    const actual = 7 * 14_000_000 + 2 * 2_000_000; // Dec 1–9: 7 weekdays, 2 weekend days
    expect(f.actualMicros).toBe(actual);
    expect(Math.abs(f.forecastMicros - (actual + 236_000_000))).toBeLessThan(
      1_000,
    );
    expect(f.weekdayFactors[5]).toBeCloseTo(2 / 10.571428, 3);
    // Without weekday factors (a flat rate) it would be off by more than 10 %.
    expect(f.method).toMatch(/weighted by weekday/);
  });

  it('a noisy series has a band around its forecast, never below what was spent', () => {
    const history = days('2026-11-10', 30, i =>
      i % 2 ? 5_000_000 : 15_000_000,
    );
    const f = forecastMonthEnd(history, new Date('2026-12-10T00:00:00Z'));
    if (!f.available) throw new Error(f.reason);
    expect(f.lowMicros).toBeLessThan(f.forecastMicros);
    expect(f.highMicros).toBeGreaterThan(f.forecastMicros);
    expect(f.lowMicros).toBeGreaterThanOrEqual(f.actualMicros);
  });
});

describe('weekdayFactors', () => {
  it('is flat with fewer than 14 days, and averages to 1 after', () => {
    expect(weekdayFactors(days('2026-11-01', 13, (_i, w) => w))).toEqual([
      1, 1, 1, 1, 1, 1, 1,
    ]);
    const f = weekdayFactors(days('2026-11-02', 28, (_i, w) => (w + 1) * 1000));
    expect(f.reduce((a, b) => a + b, 0) / 7).toBeCloseTo(1, 9);
    expect(f[6] / f[0]).toBeCloseTo(7, 9);
  });
});

describe('meanAbsolutePercentageError', () => {
  it.each([
    [
      [
        { forecast: 110, actual: 100 },
        { forecast: 80, actual: 100 },
      ],
      0.15,
    ],
    [[{ forecast: 5, actual: 0 }], undefined],
    [[], undefined],
  ])('%j → %s', (pairs, expected) => {
    const out = meanAbsolutePercentageError(pairs);
    expect(out === undefined ? out : Number(out.toFixed(9))).toBe(expected);
  });
});

describe('backtestMonthEnd', () => {
  it('forecasts each whole month from day 3, exactly on a flat history', () => {
    const history = days('2026-09-01', 91, () => 3_000_000); // September–November
    const pairs = backtestMonthEnd(history);
    // September 3–30 (28), October 3–31 (29), November 3–30 (28).
    expect(pairs).toHaveLength(85);
    expect(meanAbsolutePercentageError(pairs)).toBeCloseTo(0, 9);
  });
});

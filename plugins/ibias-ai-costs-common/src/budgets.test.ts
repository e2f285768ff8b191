import {
  budgetPeriodOf,
  budgetSchema,
  thresholdKey,
  thresholdsToFire,
} from './budgets';

describe('budgetPeriodOf', () => {
  it.each([
    [
      'month',
      '2026-12-07T12:00:00Z',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'month',
      '2026-12-31T23:59:59Z',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ],
    [
      'month',
      '2027-01-01T00:00:00Z',
      '2027-01-01T00:00:00.000Z',
      '2027-02-01T00:00:00.000Z',
    ],
    // 2026-12-07 is a Monday; the Sunday before belongs to the week before.
    [
      'week',
      '2026-12-07T00:00:00Z',
      '2026-12-07T00:00:00.000Z',
      '2026-12-14T00:00:00.000Z',
    ],
    [
      'week',
      '2026-12-06T23:59:59Z',
      '2026-11-30T00:00:00.000Z',
      '2026-12-07T00:00:00.000Z',
    ],
    [
      'week',
      '2026-12-10T08:00:00Z',
      '2026-12-07T00:00:00.000Z',
      '2026-12-14T00:00:00.000Z',
    ],
  ] as const)('%s of %s is [%s, %s)', (period, at, start, end) => {
    const p = budgetPeriodOf(period, new Date(at));
    expect([p.start.toISOString(), p.end.toISOString()]).toEqual([start, end]);
  });
});

describe('thresholdsToFire', () => {
  const budget = { amount: 100, thresholds: [50, 80, 100] };
  const $ = (d: number) => d * 1_000_000;
  it.each([
    [$(49.99), [], []],
    [$(50), [], [50]],
    [$(85), [], [50, 80]],
    [$(85), [50], [80]],
    [$(85), [50, 80], []],
    [$(100), [50, 80], [100]],
    [$(250), [50, 80, 100], []],
  ])('spend %d µ$ with %j fired → %j', (spend, fired, expected) => {
    expect(thresholdsToFire(budget, spend, new Set(fired))).toEqual(expected);
  });

  it('fires each threshold once a period under a moving clock, and again the next period', () => {
    const fired = new Set<string>();
    const fire = (at: string, spend: number) => {
      const { start } = budgetPeriodOf('month', new Date(at));
      const already = new Set(
        budget.thresholds.filter(t => fired.has(thresholdKey('ai', start, t))),
      );
      const now = thresholdsToFire(budget, spend, already);
      for (const t of now) fired.add(thresholdKey('ai', start, t));
      return now;
    };
    expect(fire('2026-11-10T00:00:00Z', $(60))).toEqual([50]);
    expect(fire('2026-11-20T00:00:00Z', $(70))).toEqual([]);
    expect(fire('2026-11-28T00:00:00Z', $(101))).toEqual([80, 100]);
    expect(fire('2026-11-30T23:00:00Z', $(140))).toEqual([]);
    // December: the spend starts again from 0, and every threshold is armed again.
    expect(fire('2026-12-01T00:00:00Z', $(10))).toEqual([]);
    expect(fire('2026-12-03T00:00:00Z', $(55))).toEqual([50]);
  });
});

describe('budgetSchema', () => {
  it('defaults to a month and 50 / 80 / 100 %', () => {
    expect(
      budgetSchema.parse({
        id: 'ai-team',
        scope: 'team',
        target: 'group:default/ai-team',
        amount: 500,
      }),
    ).toEqual({
      id: 'ai-team',
      scope: 'team',
      target: 'group:default/ai-team',
      period: 'month',
      amount: 500,
      thresholds: [50, 80, 100],
    });
  });
  it.each([
    [{ id: 'x', scope: 'org', target: 't', amount: 5 }],
    [{ id: 'x', scope: 'team', target: 't', amount: 0 }],
    [{ id: 'X Y', scope: 'team', target: 't', amount: 5 }],
    [{ id: 'x', scope: 'team', target: 't', amount: 5, owner: 'me' }],
  ])('refuses %j', budget => {
    expect(budgetSchema.safeParse(budget).success).toBe(false);
  });
});

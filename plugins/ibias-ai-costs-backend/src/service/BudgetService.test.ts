import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  budgetSchema,
  withDefaults,
} from '@internal/plugin-ibias-ai-costs-common';
import { KnexUsageStore } from '../database/KnexUsageStore';
import { describeFiring } from './budgetNotifications';
import type { UsageStore } from '../database/UsageStore';
import { BudgetService } from './BudgetService';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const NOW = new Date('2026-12-10T12:00:00Z');

/** $10 a day from November 1 to today (today so far: $5). */
const store = {
  dailyCosts: jest.fn(
    async (f: { from: number; to: number; team?: string }) => {
      const out = [];
      for (let t = Date.parse('2026-11-01T00:00:00Z'); t < f.to; t += DAY) {
        if (t < f.from) continue;
        const today = t === Date.parse('2026-12-10T00:00:00Z');
        out.push({ day: t, costMicros: today ? 5_000_000 : 10_000_000 });
      }
      return out;
    },
  ),
} as unknown as UsageStore;

const service = new BudgetService({
  store,
  permissions: mockServices.permissions.mock({
    authorizeConditional: async () => [{ result: AuthorizeResult.ALLOW }],
  }),
  budgets: () => [
    budgetSchema.parse({
      id: 'ai',
      scope: 'team',
      target: 'ai-team',
      amount: 250,
    }),
    budgetSchema.parse({
      id: 'ai-week',
      scope: 'team',
      target: 'ai-team',
      amount: 50,
      period: 'week',
    }),
  ],
  ownerOf: async () => undefined,
  now: () => NOW,
});

describe('BudgetService under a controlled clock', () => {
  it('gives the month so far, the thresholds reached and a forecast past the budget', async () => {
    const [month, week] = await service.list(mockCredentials.user());
    // December 1–9 at $10 and today's $5.
    expect(month).toMatchObject({
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      spentMicros: 95_000_000,
      reached: [],
    });
    expect(month.percent).toBeCloseTo(38, 9);
    // 95 + half of today (5) + 21 days × 10 = 310: past the $250 budget.
    expect(month.forecast).toMatchObject({
      available: true,
      forecastMicros: 310_000_000,
      exceedsBudget: true,
    });
    // The ISO week of Monday December 7: three days at $10 and today's $5.
    expect(week).toMatchObject({
      periodStart: '2026-12-07T00:00:00.000Z',
      spentMicros: 35_000_000,
      reached: [50],
    });
    expect(week.forecast).toBeUndefined();
    expect(store.dailyCosts).toHaveBeenCalledWith(
      expect.objectContaining({ team: 'group:default/ai-team' }),
    );
  });
});

describe('budget firings on a real store, under a controlled clock', () => {
  const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'on %s: each threshold fires once a period, the forecast once, and all again next period',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const real = await KnexUsageStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
      let now = new Date('2026-11-20T12:00:00Z');
      const sent: string[] = [];
      const budgets = new BudgetService({
        store: real,
        permissions: mockServices.permissions.mock(),
        budgets: () => [
          budgetSchema.parse({
            id: 'ai',
            scope: 'team',
            target: 'ai-team',
            amount: 100,
          }),
        ],
        ownerOf: async () => undefined,
        now: () => now,
        deliver: async f => {
          sent.push(
            `${f.status.periodStart.slice(0, 7)} ${
              f.threshold
            } → ${f.recipients.join()}`,
          );
        },
      });
      /** One call of `dollars` on `day`, for ai-team. */
      let n = 0;
      const spend = (day: string, dollars: number) =>
        real.ingest(
          [
            {
              ...withDefaults({
                id: `c${n++}`,
                timestamp: `${day}T10:00:00Z`,
                entityRef: 'component:default/ai-recommendations',
                provider: 'openai',
                model: 'gpt-4o',
                latencyMs: 1,
                status: 'success',
              }),
              team: 'group:default/ai-team',
              costMicros: dollars * 1_000_000,
              priceId: 'p',
              reportedBy: 'test',
            },
          ],
          now,
        );
      await spend('2026-11-02', 30);
      expect(await budgets.evaluate()).toEqual([]);
      await spend('2026-11-10', 25);
      await budgets.evaluate();
      expect(sent).toEqual(['2026-11 50 → group:default/ai-team']);
      // Evaluated again, and by another replica: nothing new.
      await budgets.evaluate();
      expect(sent).toHaveLength(1);
      await spend('2026-11-15', 50);
      await budgets.evaluate();
      expect(sent.slice(1)).toEqual([
        '2026-11 80 → group:default/ai-team',
        '2026-11 100 → group:default/ai-team',
      ]);
      // December: armed again. $40 in two days runs at $20 a day: the forecast passes $100.
      now = new Date('2026-12-03T12:00:00Z');
      await spend('2026-12-01', 20);
      await spend('2026-12-02', 20);
      sent.length = 0;
      await budgets.evaluate();
      expect(sent).toEqual(['2026-12 forecast → group:default/ai-team']);
      await spend('2026-12-03', 15);
      await budgets.evaluate();
      expect(sent.slice(1)).toEqual(['2026-12 50 → group:default/ai-team']);
      expect(
        Number((await knex('ibias_ai_budget_firings').count({ n: '*' }))[0].n),
      ).toBe(5);
    },
  );
});

describe('describeFiring', () => {
  it.each([
    [80, 'AI budget ai: 80 % of $100.00 reached this month', 'normal'],
    [100, 'AI budget ai: 100 % of $100.00 reached this month', 'high'],
    [
      'forecast',
      'AI budget ai: the month-end forecast passes $100.00',
      'normal',
    ],
  ] as const)('%s', (threshold, title, severity) => {
    const budget = budgetSchema.parse({
      id: 'ai',
      scope: 'team',
      target: 'ai-team',
      amount: 100,
    });
    const text = describeFiring({
      budget,
      threshold,
      recipients: ['group:default/ai-team'],
      status: {
        budget,
        periodStart: '2026-12-01T00:00:00.000Z',
        periodEnd: '2027-01-01T00:00:00.000Z',
        spentMicros: 81_500_000,
        percent: 81.5,
        reached: [50, 80],
      },
    });
    expect(text).toEqual({
      title,
      description: 'team ai-team: spent $81.50 of $100.00 since 2026-12-01',
      severity,
    });
  });
});

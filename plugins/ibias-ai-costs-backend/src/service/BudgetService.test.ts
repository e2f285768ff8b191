import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { budgetSchema } from '@internal/plugin-ibias-ai-costs-common';
import type { UsageStore } from '../database/UsageStore';
import { BudgetService } from './BudgetService';

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

import { screen } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  ibiasAiCostsApiRef,
  type BudgetStatus,
  type CostReport,
  type IbiasAiCostsApi,
} from '../../api';
import { rootRouteRef } from '../../routes';
import { HomeTeamsAiSpend, teamSpends } from './HomeWidgets';

const budget = (
  id: string,
  target: string,
  amount: number,
  spentMicros: number,
  o: Partial<BudgetStatus['budget']> = {},
): BudgetStatus => ({
  budget: {
    id,
    scope: 'team',
    target,
    period: 'month',
    amount,
    thresholds: [50, 80, 100],
    ...o,
  },
  periodStart: '2026-12-01T00:00:00.000Z',
  periodEnd: '2027-01-01T00:00:00.000Z',
  spentMicros,
  percent: (spentMicros / (amount * 1e6)) * 100,
  reached: [],
});

const total = (key: string, costMicros: number) => ({
  key,
  label: key.split('/').pop()!,
  costMicros,
  calls: 10,
  unpricedCalls: 0,
  share: 0,
});

describe('teamSpends', () => {
  const MINE = ['group:default/web-team', 'group:default/AI-Team'];
  it.each([
    [
      'spend with its month budget, the target as configured',
      [total('group:default/web-team', 40_000_000)],
      [budget('web', 'web-team', 100, 40_000_000)],
      [['web-team', 40_000_000, 100_000_000]],
    ],
    [
      'spend without a budget',
      [total('group:default/ai-team', 5_000_000)],
      [],
      [['ai-team', 5_000_000, undefined]],
    ],
    [
      "a budget without spend, another team's left out",
      [total('group:default/data-team', 9_000_000)],
      [budget('ai', 'group:default/ai-team', 50, 0)],
      [['ai-team', 0, 50_000_000]],
    ],
    [
      'week budgets and other scopes are not this month against budget',
      [total('group:default/web-team', 1_000_000)],
      [
        budget('w', 'web-team', 10, 0, { period: 'week' }),
        budget('s', 'component:default/ibias-api', 10, 0, {
          scope: 'service',
        }),
      ],
      [['web-team', 1_000_000, undefined]],
    ],
    [
      'the largest spend first',
      [
        total('group:default/web-team', 1_000_000),
        total('group:default/ai-team', 2_000_000),
      ],
      [],
      [
        ['ai-team', 2_000_000, undefined],
        ['web-team', 1_000_000, undefined],
      ],
    ],
  ])('%s', (_name, totals, budgets, expected) => {
    expect(
      teamSpends(MINE, totals, budgets).map(s => [
        s.label,
        s.spentMicros,
        s.budgetMicros,
      ]),
    ).toEqual(expected);
  });
});

const report = (totals: CostReport['totals']): CostReport => ({
  from: '2026-12-01T00:00:00.000Z',
  to: '2026-12-10T12:00:00.000Z',
  groupBy: 'team',
  granularity: 'day',
  rows: [],
  totals,
  hidden: 0,
});

describe('HomeTeamsAiSpend', () => {
  it("shows my teams' spend this month against their budgets", async () => {
    const api: Partial<IbiasAiCostsApi> = {
      costs: jest
        .fn()
        .mockResolvedValue(
          report([
            total('group:default/web-team', 85_000_000),
            total('group:default/data-team', 1_000_000),
          ]),
        ),
      budgets: jest.fn().mockResolvedValue({
        items: [budget('web', 'web-team', 100, 85_000_000)],
      }),
    };
    await renderInTestApp(<HomeTeamsAiSpend />, {
      apis: [
        [ibiasAiCostsApiRef, api],
        mockApis.identity({
          userEntityRef: 'user:default/wes',
          ownershipEntityRefs: ['user:default/wes', 'group:default/web-team'],
        }),
      ],
    });
    const team = await screen.findByTestId('team-web-team');
    expect(team).toHaveTextContent('85 % of $100');
    expect(team).toHaveTextContent('Spent $85.00 this month');
    expect(screen.getByRole('meter')).toHaveAttribute('aria-valuenow', '85');
    expect(screen.queryByTestId('team-data-team')).not.toBeInTheDocument();
    expect(api.costs).toHaveBeenCalledWith(
      expect.objectContaining({ groupBy: 'team', granularity: 'day' }),
    );
  });

  it('links to the AI costs page wherever the app mounts it', async () => {
    const api: Partial<IbiasAiCostsApi> = {
      costs: jest.fn().mockResolvedValue(report([])),
      budgets: jest.fn().mockResolvedValue({ items: [] }),
    };
    await renderInTestApp(<HomeTeamsAiSpend />, {
      apis: [
        [ibiasAiCostsApiRef, api],
        mockApis.identity({ ownershipEntityRefs: ['group:default/web-team'] }),
      ],
      mountedRoutes: { '/finops/ai': rootRouteRef },
    });
    expect(
      await screen.findByRole('link', { name: 'All AI costs' }),
    ).toHaveAttribute('href', '/finops/ai');
  });

  it('has finished empty and error states', async () => {
    const empty: Partial<IbiasAiCostsApi> = {
      costs: jest.fn().mockResolvedValue(report([])),
      budgets: jest.fn().mockResolvedValue({ items: [] }),
    };
    await renderInTestApp(<HomeTeamsAiSpend />, {
      apis: [
        [ibiasAiCostsApiRef, empty],
        mockApis.identity({ ownershipEntityRefs: ['group:default/web-team'] }),
      ],
    });
    expect(
      await screen.findByText('No AI spend for your teams this month'),
    ).toBeInTheDocument();
  });

  it('says when the spend cannot be loaded', async () => {
    const failing: Partial<IbiasAiCostsApi> = {
      costs: jest.fn().mockRejectedValue(new Error('the backend is down')),
      budgets: jest.fn().mockResolvedValue({ items: [] }),
    };
    await renderInTestApp(<HomeTeamsAiSpend />, {
      apis: [
        [ibiasAiCostsApiRef, failing],
        mockApis.identity({ ownershipEntityRefs: ['group:default/web-team'] }),
      ],
    });
    expect(
      await screen.findByText('AI spend could not be loaded'),
    ).toBeInTheDocument();
  });
});

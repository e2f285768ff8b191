import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  ibiasAiCostsApiRef,
  type CostReport,
  type IbiasAiCostsApi,
} from '../../api';
import { AiCostsContent, AiCostsOverview } from './CostsView';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ai-recommendations', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'ai-team' },
};

const row = (at: string, key: string, costMicros: number, calls: number) => ({
  at,
  key,
  label: key,
  costMicros,
  calls,
  errors: 0,
  unpricedCalls: 0,
  inputTokens: calls * 1000,
  outputTokens: calls * 100,
  seconds: 0,
});

const report: CostReport = {
  from: '2026-11-07T00:00:00.000Z',
  to: '2026-12-07T12:00:00.000Z',
  groupBy: 'model',
  granularity: 'day',
  rows: [
    row('2026-12-06T00:00:00.000Z', 'gpt-4o', 3_000_000, 100),
    row('2026-12-06T00:00:00.000Z', 'gpt-4o-mini', 1_000_000, 300),
    row('2026-12-07T00:00:00.000Z', 'gpt-4o', 2_000_000, 50),
  ],
  totals: [
    {
      key: 'gpt-4o',
      label: 'gpt-4o',
      costMicros: 5_000_000,
      calls: 150,
      unpricedCalls: 0,
      share: 5 / 6,
    },
    {
      key: 'gpt-4o-mini',
      label: 'gpt-4o-mini',
      costMicros: 1_000_000,
      calls: 300,
      unpricedCalls: 2,
      share: 1 / 6,
    },
  ],
  hidden: 0,
};

const budgets: Awaited<ReturnType<IbiasAiCostsApi['budgets']>> = {
  items: [
    {
      budget: {
        id: 'ai-recs',
        scope: 'service',
        target: 'component:default/ai-recommendations',
        period: 'month',
        amount: 10,
        thresholds: [50, 80, 100],
      },
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      spentMicros: 6_000_000,
      percent: 60,
      reached: [50],
      forecast: {
        available: true,
        actualMicros: 6_000_000,
        forecastMicros: 24_000_000,
        lowMicros: 20_000_000,
        highMicros: 28_000_000,
        dailyRateMicros: 800_000,
        weekdayFactors: [1, 1, 1, 1, 1, 1, 1],
        method: 'm',
        exceedsBudget: true,
      },
    },
  ],
};

describe('AiCostsContent', () => {
  it("shows the service's spend by model, priced, with its budget and a forecast past it", async () => {
    const costs = jest.fn().mockResolvedValue(report);
    const budgetsFn = jest.fn().mockResolvedValue(budgets);
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <AiCostsContent />
      </EntityProvider>,
      { apis: [[ibiasAiCostsApiRef, { costs, budgets: budgetsFn }]] },
    );
    const totals = await screen.findByTestId('totals');
    const rows = within(totals).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      'gpt-4o$5.0083.3 %1500',
      'gpt-4o-mini$1.0016.7 %3002',
    ]);
    expect(screen.getByText('$6.00')).toBeInTheDocument();
    expect(costs).toHaveBeenCalledWith(
      expect.objectContaining({
        groupBy: 'model',
        granularity: 'day',
        entityRef: 'component:default/ai-recommendations',
      }),
    );
    expect(budgetsFn).toHaveBeenCalledWith({
      entityRef: 'component:default/ai-recommendations',
    });
    const budget = screen.getByTestId('budget-ai-recs');
    expect(budget).toHaveTextContent('60 % of $10.00 this month');
    expect(within(budget).getByTestId('forecast')).toHaveTextContent(
      'Month-end forecast $24.00 ($20.00–$28.00): over budget',
    );
  });
});

describe('AiCostsOverview', () => {
  it('says what is not shown, and has finished empty and error states', async () => {
    const costs = jest.fn().mockResolvedValueOnce({
      ...report,
      groupBy: 'team',
      rows: [],
      totals: [],
      hidden: 2,
    });
    await renderInTestApp(<AiCostsOverview />, {
      apis: [
        [
          ibiasAiCostsApiRef,
          { costs, budgets: jest.fn().mockResolvedValue({ items: [] }) },
        ],
      ],
    });
    expect(
      await screen.findByText('No AI spend in this range'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('hidden')).toHaveTextContent(
      '2 teams with spend in this range are not shown',
    );
  });

  it('offers a retry when the API fails', async () => {
    await renderInTestApp(<AiCostsOverview />, {
      apis: [
        [
          ibiasAiCostsApiRef,
          {
            costs: jest
              .fn()
              .mockRejectedValue(new Error('the backend is down')),
            budgets: jest.fn().mockResolvedValue({ items: [] }),
          },
        ],
      ],
    });
    expect(
      await screen.findByText('AI costs could not be loaded'),
    ).toBeInTheDocument();
  });
});

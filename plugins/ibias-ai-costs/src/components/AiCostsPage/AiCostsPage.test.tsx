import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  ibiasAiCostsApiRef,
  type CostReport,
  type DeployCostList,
  type IbiasAiCostsApi,
} from '../../api';
import { AiCostsEntityContent, AiCostsPage } from './AiCostsPage';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ibias-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'web-team' },
};

const emptyReport: CostReport = {
  from: '2026-11-10T00:00:00.000Z',
  to: '2026-12-10T12:00:00.000Z',
  groupBy: 'model',
  granularity: 'day',
  rows: [],
  totals: [],
  hidden: 0,
};

const side = (requests: number, perThousandMicros: number | null) => ({
  from: '2026-12-09T09:00:00.000Z',
  to: '2026-12-10T09:00:00.000Z',
  requests,
  costMicros:
    perThousandMicros === null ? 0 : (perThousandMicros * requests) / 1000,
  perThousandMicros,
});

const deployCosts: DeployCostList = {
  available: true,
  items: [
    {
      deploymentId: 'd-2',
      version: '1.4.1',
      deployedAt: '2026-12-10T09:30:00.000Z',
      rollback: false,
      before: side(200, 1_000_000),
      after: side(40, 2_000_000),
      ratio: null,
      raised: false,
      reason: 'fewer than 100 requests before or after the deploy',
    },
    {
      deploymentId: 'd-1',
      version: '1.4.0',
      deployedAt: '2026-12-08T09:30:00.000Z',
      rollback: false,
      before: side(300, 500_000),
      after: side(200, 1_000_000),
      ratio: 2,
      raised: true,
    },
  ],
};

function api(): Partial<IbiasAiCostsApi> {
  return {
    costs: jest.fn().mockResolvedValue(emptyReport),
    budgets: jest.fn().mockResolvedValue({ items: [] }),
    alerts: jest.fn().mockResolvedValue({ items: [] }),
    deployCosts: jest.fn().mockResolvedValue(deployCosts),
  };
}

describe('AiCostsPage', () => {
  it('has a Spend and an Alerts tab', async () => {
    const fake = api();
    await renderInTestApp(<AiCostsPage />, {
      apis: [[ibiasAiCostsApiRef, fake]],
    });
    expect(
      await screen.findByText('No AI spend in this range'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('tab', { name: 'Alerts' }));
    expect(
      await screen.findByText('No active AI cost alerts'),
    ).toBeInTheDocument();
    expect(fake.alerts).toHaveBeenCalledWith({
      state: 'active',
      entityRef: undefined,
      limit: 200,
    });
  });
});

describe('AiCostsEntityContent', () => {
  it("shows the service's alerts and its cost per 1,000 requests by deploy", async () => {
    const fake = api();
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <AiCostsEntityContent />
      </EntityProvider>,
      { apis: [[ibiasAiCostsApiRef, fake]] },
    );
    const table = await screen.findByRole('grid', {
      name: 'Cost per 1,000 requests by deploy',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      expect.stringMatching(
        /^1\.4\.1.*\$1\.00200 requests\$2\.0040 requestsnot judged$/,
      ),
      expect.stringMatching(
        /^1\.4\.0.*\$0\.50300 requests\$1\.00200 requestsraised ×2\.00$/,
      ),
    ]);
    expect(fake.deployCosts).toHaveBeenCalledWith(
      'component:default/ibias-api',
    );
    expect(fake.alerts).toHaveBeenCalledWith(
      expect.objectContaining({ entityRef: 'component:default/ibias-api' }),
    );
  });

  it('says when the deploy history cannot be read', async () => {
    const fake = {
      ...api(),
      deployCosts: jest.fn().mockResolvedValue({
        available: false,
        reason: 'The deploy history (ibias-deployments) could not be read',
        items: [],
      }),
    };
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <AiCostsEntityContent />
      </EntityProvider>,
      { apis: [[ibiasAiCostsApiRef, fake]] },
    );
    expect(
      await screen.findByText(/could not be read: try again later/),
    ).toBeInTheDocument();
  });
});

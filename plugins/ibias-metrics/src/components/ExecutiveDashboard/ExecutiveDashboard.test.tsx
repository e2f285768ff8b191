import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ibiasMetricsApiRef, type IbiasMetricsApi } from '../../api';
import { dashboard, series } from '../../__testUtils__/fixtures';
import { ExecutiveDashboard } from './ExecutiveDashboard';

function api(business: boolean): Partial<IbiasMetricsApi> {
  return {
    dashboard: jest.fn().mockResolvedValue(dashboard(business)),
    records: jest.fn().mockResolvedValue({
      kpi: 'mrr',
      point: series('mrr', [153e9]).points[0],
      columns: ['customer', 'movement', 'startMrrMicros', 'endMrrMicros'],
      rows: [['cus_1', 'new', 0, 799_000_000]],
      truncated: false,
    }),
  };
}

describe('ExecutiveDashboard', () => {
  it('shows the six KPI tiles, "sample data", the alert and the recommendation with its evidence', async () => {
    await renderInTestApp(<ExecutiveDashboard />, {
      apis: [[ibiasMetricsApiRef, api(true)]],
    });
    expect(
      await screen.findByRole('button', {
        name: /^Monthly recurring revenue: \$153k/,
      }),
    ).toBeInTheDocument();
    for (const title of [
      'Customer acquisition cost',
      'Customer lifetime value',
      'Net promoter score',
      'Customer churn',
      'System uptime',
    ]) {
      expect(
        screen.getByRole('button', { name: new RegExp(`^${title}: `) }),
      ).toBeInTheDocument();
    }
    expect(screen.getByTestId('sample-data')).toBeInTheDocument();
    expect(screen.queryByTestId('financial-hidden')).not.toBeInTheDocument();
    expect(screen.getByTestId('alert-list')).toHaveTextContent(
      'System uptime past its error threshold',
    );
    expect(screen.getByTestId('evidence')).toHaveTextContent(
      'threshold = 0.99',
    );
  });

  it('says the financial KPIs are hidden to someone without business.read, and shows none', async () => {
    await renderInTestApp(<ExecutiveDashboard />, {
      apis: [[ibiasMetricsApiRef, api(false)]],
    });
    expect(await screen.findByTestId('financial-hidden')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Monthly recurring revenue/ }),
    ).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain('$');
  });

  it('opens a tile’s derivation: formula, inputs and the records behind it', async () => {
    const metrics = api(true);
    await renderInTestApp(<ExecutiveDashboard />, {
      apis: [[ibiasMetricsApiRef, metrics]],
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: /^Monthly recurring revenue: /,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog).toHaveTextContent('cus_1'));
    expect(within(dialog).getByText('MRR at end (USD)')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('$799.00');
    expect(metrics.records).toHaveBeenCalledWith(
      'mrr',
      'month',
      '2026-12-01T00:00:00.000Z',
    );
  });

  it('shows a gap as "no data", never 0', async () => {
    const metrics = api(true);
    const d = dashboard(true);
    d.tiles[3] = series('nps', [40, null]);
    metrics.dashboard = jest.fn().mockResolvedValue(d);
    await renderInTestApp(<ExecutiveDashboard />, {
      apis: [[ibiasMetricsApiRef, metrics]],
    });
    const tile = await screen.findByRole('button', {
      name: /^Net promoter score: /,
    });
    expect(tile.getAttribute('aria-label')).toMatch(/no data/);
  });

  it('says so when the dashboard cannot be loaded, and retries', async () => {
    const metrics = api(true);
    metrics.dashboard = jest
      .fn()
      .mockRejectedValueOnce(new Error('database unavailable'))
      .mockResolvedValue(dashboard(true));
    await renderInTestApp(<ExecutiveDashboard />, {
      apis: [[ibiasMetricsApiRef, metrics]],
    });
    expect(
      await screen.findByText('The dashboard could not be loaded'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('button', { name: /^System uptime: / }),
    ).toBeInTheDocument();
  });
});

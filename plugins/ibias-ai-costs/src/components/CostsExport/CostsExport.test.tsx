import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { downloadTextFile } from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type CostQuery } from '../../api';
import { CostsExport } from './CostsExport';

jest.mock('@internal/ibias-react', () => ({
  ...jest.requireActual('@internal/ibias-react'),
  downloadTextFile: jest.fn(),
}));

const query: CostQuery = {
  from: '2026-11-07T00:00:00.000Z',
  to: '2026-12-07T12:00:00.000Z',
  groupBy: 'team',
  granularity: 'day',
};

function render(q: CostQuery, api: Record<string, jest.Mock>) {
  return renderInTestApp(<CostsExport query={q} />, {
    apis: [[ibiasAiCostsApiRef, api as any]],
  });
}

describe('CostsExport', () => {
  beforeEach(() => jest.mocked(downloadTextFile).mockClear());

  it("downloads the backend's CSV of the view's query, and the range as FOCUS", async () => {
    const exportCsv = jest.fn().mockResolvedValue({
      filename: 'ai-costs-team-2026-11-07-2026-12-07.csv',
      text: 'start,team\r\n',
    });
    const exportFocus = jest.fn().mockResolvedValue({
      filename: 'ai-costs-focus-2026-11-07-2026-12-07.csv',
      text: 'BilledCost\r\n',
    });
    await render(query, { exportCsv, exportFocus });
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(exportCsv).toHaveBeenCalledWith(query);
    await waitFor(() =>
      expect(downloadTextFile).toHaveBeenCalledWith(
        'ai-costs-team-2026-11-07-2026-12-07.csv',
        'start,team\r\n',
        'text/csv;charset=utf-8',
      ),
    );
    await userEvent.click(screen.getByRole('button', { name: 'FOCUS export' }));
    expect(exportFocus).toHaveBeenCalledWith({
      from: query.from,
      to: query.to,
    });
    await waitFor(() =>
      expect(downloadTextFile).toHaveBeenLastCalledWith(
        'ai-costs-focus-2026-11-07-2026-12-07.csv',
        'BilledCost\r\n',
        'text/csv;charset=utf-8',
      ),
    );
  });

  it("offers no FOCUS export on a service's tab, and says when an export fails", async () => {
    const exportCsv = jest
      .fn()
      .mockRejectedValue(new Error('A range by hour is at most 31 days'));
    await render(
      { ...query, entityRef: 'component:default/ai-recommendations' },
      { exportCsv, exportFocus: jest.fn() },
    );
    expect(
      screen.queryByRole('button', { name: 'FOCUS export' }),
    ).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The export failed: A range by hour is at most 31 days',
    );
    expect(downloadTextFile).not.toHaveBeenCalled();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { ibiasMetricsApiRef, type IbiasMetricsApi } from '../../api';
import { firingAlert } from '../../__testUtils__/fixtures';
import { AlertsPage } from './AlertsPage';

describe('AlertsPage', () => {
  it('lists open alerts and acknowledges one, then reloads', async () => {
    const api: Partial<IbiasMetricsApi> = {
      alerts: jest
        .fn()
        .mockResolvedValueOnce({ items: [firingAlert] })
        .mockResolvedValue({
          items: [{ ...firingAlert, status: 'acknowledged' }],
        }),
      act: jest
        .fn()
        .mockResolvedValue({ ...firingAlert, status: 'acknowledged' }),
    };
    await renderInTestApp(<AlertsPage />, {
      apis: [[ibiasMetricsApiRef, api]],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Acknowledge' }),
    );
    expect(api.act).toHaveBeenCalledWith(firingAlert.id, 'acknowledge', {});
    await waitFor(() =>
      expect(screen.getByTestId('alert-list')).toHaveTextContent(
        'acknowledged',
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
  });

  it('says why an action was refused (a 403 for someone who does not own it)', async () => {
    const refused = new Error(
      'Only the owners of kpi:uptime may acknowledge its alerts',
    );
    const api: Partial<IbiasMetricsApi> = {
      alerts: jest.fn().mockResolvedValue({ items: [firingAlert] }),
      act: jest.fn().mockRejectedValue(refused),
    };
    await renderInTestApp(<AlertsPage />, {
      apis: [[ibiasMetricsApiRef, api]],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Silence 4 h' }),
    );
    expect(api.act).toHaveBeenCalledWith(firingAlert.id, 'silence', {
      silenceFor: '4h',
    });
    expect(
      await screen.findByText(/Only the owners of kpi:uptime/),
    ).toBeInTheDocument();
    expect(ResponseError).toBeDefined();
  });

  it('says when nothing matches', async () => {
    await renderInTestApp(<AlertsPage />, {
      apis: [
        [
          ibiasMetricsApiRef,
          { alerts: jest.fn().mockResolvedValue({ items: [] }) },
        ],
      ],
    });
    expect(await screen.findByText('No alerts')).toBeInTheDocument();
  });
});

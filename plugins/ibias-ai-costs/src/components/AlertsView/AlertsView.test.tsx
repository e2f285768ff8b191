import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import { AI_ALERTS_SIGNAL_CHANNEL } from '@internal/plugin-ibias-ai-costs-common';
import {
  ibiasAiCostsApiRef,
  type AiAlert,
  type IbiasAiCostsApi,
} from '../../api';
import { AlertsView } from './AlertsView';

const firing: AiAlert = {
  id: '6b1f8f3e-5d8a-4c1e-9a53-0f7c2a1d9e01',
  rule: 'ai_high_latency',
  ruleName: 'AI p95 latency over 10 s',
  action: 'scale',
  severity: 'warning',
  unit: 'ms',
  scope: { kind: 'entity', ref: 'component:default/ibias-api' },
  team: 'group:default/web-team',
  entityRef: 'component:default/ibias-api',
  state: 'firing',
  active: true,
  firstSeen: '2026-12-10T10:30:00.000Z',
  lastSeen: '2026-12-10T10:35:00.000Z',
  firedAt: '2026-12-10T10:30:00.000Z',
  value: 12_500,
  threshold: 10_000,
  detail: { calls: 40 },
};

const deployAlert: AiAlert = {
  ...firing,
  id: '6b1f8f3e-5d8a-4c1e-9a53-0f7c2a1d9e02',
  rule: 'ai_deploy_cost',
  ruleName: 'A deploy raised the AI cost per 1,000 requests over 1.5×',
  action: 'notify',
  unit: 'usd',
  state: 'acknowledged',
  acknowledgedBy: 'user:default/wes',
  value: 2,
  threshold: 1.5,
  detail: { version: '1.4.0', ratio: 2 },
};

/** A signals API whose messages the test sends. */
function signals() {
  const listeners = new Map<string, (message: any) => void>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      listeners.set(channel, onMessage as (message: any) => void);
      return { unsubscribe: () => listeners.delete(channel) };
    },
  };
  return {
    api,
    send: (channel: string, message: object) =>
      act(() => listeners.get(channel)?.(message)),
  };
}

describe('AlertsView', () => {
  it('lists alerts in words and acknowledges one, then reloads', async () => {
    const api: Partial<IbiasAiCostsApi> = {
      alerts: jest
        .fn()
        .mockResolvedValueOnce({ items: [firing, deployAlert] })
        .mockResolvedValue({
          items: [{ ...firing, state: 'acknowledged' }, deployAlert],
        }),
      acknowledgeAlert: jest
        .fn()
        .mockResolvedValue({ ...firing, state: 'acknowledged' }),
    };
    await renderInTestApp(
      <AlertsView entityRef="component:default/ibias-api" />,
      { apis: [[ibiasAiCostsApiRef, api]] },
    );
    const row = await screen.findByTestId(`alert-${firing.id}`);
    expect(row).toHaveTextContent('AI p95 latency over 10 s');
    expect(row).toHaveTextContent('ibias-api · 12.5 s against 10.0 s');
    expect(row).toHaveTextContent('→ scale');
    expect(screen.getByTestId(`alert-${deployAlert.id}`)).toHaveTextContent(
      '$2.00 against $1.50 · deploy 1.4.0',
    );
    expect(screen.getByTestId(`alert-${deployAlert.id}`)).toHaveTextContent(
      'acknowledged by wes',
    );
    expect(api.alerts).toHaveBeenCalledWith({
      state: 'active',
      entityRef: 'component:default/ibias-api',
      limit: 200,
    });

    await userEvent.click(
      within(row).getByRole('button', { name: 'Acknowledge' }),
    );
    expect(api.acknowledgeAlert).toHaveBeenCalledWith(firing.id);
    await waitFor(() =>
      expect(screen.getByTestId(`alert-${firing.id}`)).toHaveTextContent(
        'acknowledged',
      ),
    );
    expect(
      within(screen.getByTestId(`alert-${firing.id}`)).queryByRole('button', {
        name: 'Acknowledge',
      }),
    ).not.toBeInTheDocument();
  });

  it('snoozes for an hour; the active list no longer has it', async () => {
    const api: Partial<IbiasAiCostsApi> = {
      alerts: jest
        .fn()
        .mockResolvedValueOnce({ items: [firing] })
        .mockResolvedValue({ items: [] }),
      snoozeAlert: jest.fn().mockResolvedValue({
        ...firing,
        state: 'snoozed',
        active: false,
        snoozedUntil: '2026-12-10T11:40:00.000Z',
      }),
    };
    await renderInTestApp(<AlertsView />, {
      apis: [[ibiasAiCostsApiRef, api]],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Snooze 1 h' }),
    );
    expect(api.snoozeAlert).toHaveBeenCalledWith(firing.id, { minutes: 60 });
    expect(
      await screen.findByText('No active AI cost alerts'),
    ).toBeInTheDocument();
  });

  it('says why an action was refused, and keeps the list', async () => {
    const api: Partial<IbiasAiCostsApi> = {
      alerts: jest.fn().mockResolvedValue({ items: [firing] }),
      snoozeAlert: jest
        .fn()
        .mockRejectedValue(
          new Error(
            "You may read group:default/web-team's AI costs but not snooze its alerts",
          ),
        ),
    };
    await renderInTestApp(<AlertsView />, {
      apis: [[ibiasAiCostsApiRef, api]],
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Snooze 1 day' }),
    );
    expect(api.snoozeAlert).toHaveBeenCalledWith(firing.id, {
      minutes: 24 * 60,
    });
    expect(
      await screen.findByText('The alert was not changed'),
    ).toBeInTheDocument();
    expect(screen.getByText(/but not snooze its alerts/)).toBeInTheDocument();
    expect(screen.getByTestId(`alert-${firing.id}`)).toBeInTheDocument();
  });

  it('reloads when the backend signals a change', async () => {
    const live = signals();
    const api: Partial<IbiasAiCostsApi> = {
      alerts: jest
        .fn()
        .mockResolvedValueOnce({ items: [] })
        .mockResolvedValue({ items: [firing] }),
    };
    await renderInTestApp(<AlertsView />, {
      apis: [
        [ibiasAiCostsApiRef, api],
        [signalApiRef, live.api],
      ],
    });
    expect(
      await screen.findByText('No active AI cost alerts'),
    ).toBeInTheDocument();
    await live.send(AI_ALERTS_SIGNAL_CHANNEL, {
      alertId: firing.id,
      state: 'firing',
    });
    // A second later (signals come in bursts).
    expect(
      await screen.findByTestId(`alert-${firing.id}`, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
  });

  describe('live reloads', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const signal = { alertId: firing.id, state: 'firing' };

    it('turn a burst of signals into one reload a second', async () => {
      const live = signals();
      const api: Partial<IbiasAiCostsApi> = {
        alerts: jest.fn().mockResolvedValue({ items: [firing] }),
      };
      await renderInTestApp(<AlertsView />, {
        apis: [
          [ibiasAiCostsApiRef, api],
          [signalApiRef, live.api],
        ],
      });
      await screen.findByTestId(`alert-${firing.id}`);
      expect(api.alerts).toHaveBeenCalledTimes(1);

      // An evaluation changes 20 alerts at once.
      for (let i = 0; i < 20; i++) {
        await live.send(AI_ALERTS_SIGNAL_CHANNEL, { ...signal });
      }
      expect(api.alerts).toHaveBeenCalledTimes(1);
      await act(async () => {
        jest.advanceTimersByTime(999);
      });
      expect(api.alerts).toHaveBeenCalledTimes(1);
      await act(async () => {
        jest.advanceTimersByTime(1);
      });
      expect(api.alerts).toHaveBeenCalledTimes(2);

      // Signals that keep coming still reload, once a second.
      for (let s = 0; s < 3; s++) {
        for (let i = 0; i < 5; i++) {
          await live.send(AI_ALERTS_SIGNAL_CHANNEL, { ...signal });
          await act(async () => {
            jest.advanceTimersByTime(200);
          });
        }
      }
      expect(api.alerts).toHaveBeenCalledTimes(5);
    });

    it('show only the latest answer when an earlier one comes after it', async () => {
      const live = signals();
      const answers: Array<(items: AiAlert[]) => void> = [];
      const api: Partial<IbiasAiCostsApi> = {
        alerts: jest.fn(
          () =>
            new Promise(resolve => {
              answers.push(items => resolve({ items }));
            }),
        ),
      };
      await renderInTestApp(<AlertsView />, {
        apis: [
          [ibiasAiCostsApiRef, api],
          [signalApiRef, live.api],
        ],
      });
      await act(async () => answers[0]([]));
      expect(
        await screen.findByText('No active AI cost alerts'),
      ).toBeInTheDocument();

      // Two reloads in flight: the second answers first (it fired), then the first
      // (from before it fired) arrives late.
      for (let i = 0; i < 2; i++) {
        await live.send(AI_ALERTS_SIGNAL_CHANNEL, { ...signal });
        await act(async () => {
          jest.advanceTimersByTime(1000);
        });
      }
      expect(answers).toHaveLength(3);
      await act(async () => answers[2]([firing]));
      expect(
        await screen.findByTestId(`alert-${firing.id}`),
      ).toBeInTheDocument();
      await act(async () => answers[1]([]));
      expect(screen.getByTestId(`alert-${firing.id}`)).toBeInTheDocument();
      expect(
        screen.queryByText('No active AI cost alerts'),
      ).not.toBeInTheDocument();
    });
  });

  it('has finished loading and error states', async () => {
    let fail: (e: Error) => void = () => {};
    const api: Partial<IbiasAiCostsApi> = {
      alerts: jest.fn().mockReturnValue(
        new Promise((_resolve, reject) => {
          fail = reject;
        }),
      ),
    };
    await renderInTestApp(<AlertsView />, {
      apis: [[ibiasAiCostsApiRef, api]],
    });
    expect(screen.getByTestId('alerts-loading')).toBeInTheDocument();
    await act(async () => fail(new Error('the backend is down')));
    expect(
      await screen.findByText('AI cost alerts could not be loaded'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Try again' }),
    ).toBeInTheDocument();
  });
});

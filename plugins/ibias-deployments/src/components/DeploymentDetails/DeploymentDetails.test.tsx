import { fireEvent, render, screen } from '@testing-library/react';
import {
  planSteps,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import { DeploymentDetails } from './DeploymentDetails';
import { EnvironmentMatrix } from '../EnvironmentMatrix';

const base: Deployment = {
  id: 'd1',
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: '1.2.0',
  previousVersion: '1.1.0',
  strategy: 'canary',
  status: 'rolled_back',
  reason:
    'Rollback trigger: error rate 21.2% > 5% for 2 consecutive interval(s)',
  steps: planSteps('canary').map((s, i) => {
    if (i < 4) return { ...s, status: 'succeeded' };
    return i === 4 ? { ...s, status: 'failed' } : { ...s, status: 'skipped' };
  }),
  evidence: [
    {
      check: 'error-rate',
      query: 'router ibias-api/staging',
      source: 'local-router',
      stepId: 'analysis-10',
      windowSeconds: 5,
      samples: 33,
      threshold: 0.05,
      value: 0.212,
      verdict: 'fail',
      consecutiveBreaches: 2,
      at: '2026-11-26T12:00:00.000Z',
    },
    {
      check: 'p95-latency',
      query: 'router ibias-api/staging',
      source: 'local-router',
      stepId: 'analysis-10',
      windowSeconds: 5,
      samples: 33,
      threshold: 2000,
      value: 4,
      verdict: 'pass',
      consecutiveBreaches: 2,
      at: '2026-11-26T12:00:00.000Z',
    },
  ],
  initiatedBy: 'user:default/guest',
  createdAt: '2026-11-26T11:59:50.000Z',
  updatedAt: '2026-11-26T12:00:00.000Z',
  startedAt: '2026-11-26T11:59:50.000Z',
  finishedAt: '2026-11-26T12:00:01.000Z',
};

describe('DeploymentDetails', () => {
  it('names a break-glass rollback, who and why; an ordinary one shows nothing of it', () => {
    const { unmount } = render(<DeploymentDetails deployment={base} />);
    expect(screen.queryByTestId('break-glass-reason')).toBeNull();
    unmount();
    render(
      <DeploymentDetails
        deployment={{
          ...base,
          environment: 'production',
          status: 'succeeded',
          rollbackOf: 'd0',
          initiatedBy: 'user:default/olivia.owner',
          breakGlassReason: 'Checkout fails for every customer',
        }}
      />,
    );
    expect(screen.getByTestId('break-glass-reason')).toHaveTextContent(
      'Break-glass: olivia.owner rolled back without a release manager’s approval — “Checkout fails for every customer”',
    );
  });

  it('shows why it rolled back and the evidence, with the failing check marked', () => {
    render(<DeploymentDetails deployment={base} onRollback={jest.fn()} />);
    expect(screen.getByTestId('deployment-reason')).toHaveTextContent(
      'error rate 21.2% > 5%',
    );
    const failRow = document.querySelector('[data-verdict="fail"]')!;
    expect(failRow).toHaveTextContent('21.2 %');
    expect(failRow).toHaveTextContent('≤ 5 %');
    expect(failRow).toHaveTextContent('fail (2 in a row)');
    // A passing check does not claim a streak.
    expect(
      document.querySelector('[data-verdict="pass"]'),
    ).not.toHaveTextContent('in a row');
    expect(screen.getByTestId('step-analysis-10')).toHaveAttribute(
      'data-status',
      'failed',
    );
    // Only a succeeded deployment offers a rollback; a finished one no abort.
    expect(screen.queryByTestId('rollback')).toBeNull();
    expect(screen.queryByTestId('abort')).toBeNull();
  });

  it('offers abort while running and rollback once succeeded', () => {
    const onAbort = jest.fn();
    const { rerender } = render(
      <DeploymentDetails
        deployment={{ ...base, status: 'running', reason: undefined }}
        onAbort={onAbort}
        onRollback={jest.fn()}
      />,
    );
    fireEvent.click(screen.getByTestId('abort'));
    expect(onAbort).toHaveBeenCalled();
    rerender(
      <DeploymentDetails
        deployment={{ ...base, status: 'succeeded', reason: undefined }}
        onAbort={onAbort}
        onRollback={jest.fn()}
      />,
    );
    expect(screen.getByTestId('rollback')).toBeEnabled();
    expect(screen.queryByTestId('abort')).toBeNull();
  });

  it.each([
    [
      'running',
      'abort',
      'Only members of ai-team may abort ai-recommendations',
    ],
    [
      'succeeded',
      'rollback',
      'Only members of ai-team may roll back ai-recommendations',
    ],
    [
      'pending_approval',
      'approve',
      'Only release managers approve production deployments',
    ],
  ] as const)(
    'a %s deployment shows %s disabled and says why when it is denied',
    (status, action, reason) => {
      const onAction = jest.fn();
      render(
        <DeploymentDetails
          deployment={{ ...base, status, reason: undefined }}
          onAbort={onAction}
          onApprove={onAction}
          onRollback={onAction}
          denied={{ [action]: reason }}
        />,
      );
      expect(screen.getByTestId(action)).toBeDisabled();
      expect(screen.getByTestId('actions-denied')).toHaveTextContent(reason);
      fireEvent.click(screen.getByTestId(action));
      expect(onAction).not.toHaveBeenCalled();
    },
  );

  it('shows no reason for an action the status does not offer', () => {
    render(
      <DeploymentDetails
        deployment={{ ...base, status: 'rolled_back' }}
        onRollback={jest.fn()}
        denied={{ rollback: 'Only members of ai-team may roll back' }}
      />,
    );
    expect(screen.queryByTestId('rollback')).toBeNull();
    expect(screen.queryByTestId('actions-denied')).toBeNull();
  });

  it('says when nothing has been checked yet', () => {
    render(<DeploymentDetails deployment={{ ...base, evidence: [] }} />);
    expect(screen.getByText('No checks have run yet.')).toBeInTheDocument();
  });
});

describe('EnvironmentMatrix', () => {
  it('shows what runs where and blocks a second deploy while one is in flight', () => {
    const onDeploy = jest.fn();
    render(
      <EnvironmentMatrix
        environments={[
          {
            entityRef: base.entityRef,
            environment: 'staging',
            version: '1.1.0',
            since: '2026-11-26T11:00:00.000Z',
            deployedBy: 'user:default/guest',
            strategy: 'blue-green',
            deploymentId: 'd0',
            traffic: { '1.1.0': 100 },
            url: null,
            endpoints: [],
            lockedBy: null,
            health: 'healthy',
          },
        ]}
        inFlight={{
          production: {
            ...base,
            environment: 'production',
            status: 'pending_approval',
          },
        }}
        onDeploy={onDeploy}
        onSelect={jest.fn()}
      />,
    );
    expect(screen.getByTestId('version-staging')).toHaveTextContent('1.1.0');
    expect(screen.getByTestId('health-staging')).toHaveTextContent('healthy');
    expect(screen.getByTestId('environment-development')).toHaveTextContent(
      'Nothing deployed yet',
    );
    expect(screen.getByTestId('deploy-production')).toBeDisabled();
    fireEvent.click(screen.getByTestId('deploy-staging'));
    expect(onDeploy).toHaveBeenCalledWith('staging');
  });
});

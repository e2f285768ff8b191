import {
  DeploymentEvent,
  holdsLock,
  isTerminal,
  nextStatus,
  TRANSITIONS,
} from './stateMachine';
import { DEPLOYMENT_STATUSES, DeploymentStatus } from './types';

describe('deploy state machine', () => {
  const cases: Array<
    [DeploymentStatus, DeploymentEvent, DeploymentStatus | undefined]
  > = [
    ['pending_approval', 'approve', 'queued'],
    ['pending_approval', 'expire', 'aborted'],
    ['pending_approval', 'abort', 'aborted'],
    ['pending_approval', 'start', undefined],
    ['pending_approval', 'succeed', undefined],
    ['queued', 'start', 'running'],
    ['queued', 'abort', 'aborted'],
    ['queued', 'approve', undefined],
    ['queued', 'succeed', undefined],
    ['running', 'succeed', 'succeeded'],
    ['running', 'fail', 'failed'],
    ['running', 'roll_back', 'rolled_back'],
    ['running', 'abort', 'aborted'],
    ['running', 'start', undefined],
    ['running', 'approve', undefined],
    ['succeeded', 'roll_back', undefined],
    ['succeeded', 'abort', undefined],
    ['failed', 'start', undefined],
    ['rolled_back', 'succeed', undefined],
    ['aborted', 'start', undefined],
  ];
  it.each(cases)('%s --%s--> %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it.each(DEPLOYMENT_STATUSES.map(s => [s]))(
    '%s: terminal exactly when it accepts no event, and then holds no lock',
    status => {
      const accepts = Object.keys(TRANSITIONS[status]).length > 0;
      expect(isTerminal(status)).toBe(!accepts);
      expect(holdsLock(status)).toBe(accepts);
    },
  );

  it('every transition leads to a known status', () => {
    for (const events of Object.values(TRANSITIONS)) {
      for (const to of Object.values(events)) {
        expect(DEPLOYMENT_STATUSES).toContain(to);
      }
    }
  });
});

describe('expire', () => {
  it.each(DEPLOYMENT_STATUSES.map(s => [s]))('from %s', status => {
    expect(nextStatus(status, 'expire')).toBe(
      status === 'pending_approval' ? 'aborted' : undefined,
    );
  });
});

import type { DeploymentStatus } from './types';

/** What can happen to a deployment. */
export type DeploymentEvent =
  | 'approve'
  | 'expire'
  | 'start'
  | 'succeed'
  | 'fail'
  | 'roll_back'
  | 'abort';

/**
 * The deploy state machine: from each status, the events it accepts and where they lead.
 * Terminal statuses accept nothing.
 */
export const TRANSITIONS: Record<
  DeploymentStatus,
  Partial<Record<DeploymentEvent, DeploymentStatus>>
> = {
  pending_approval: { approve: 'queued', expire: 'aborted', abort: 'aborted' },
  queued: { start: 'running', abort: 'aborted' },
  running: {
    succeed: 'succeeded',
    fail: 'failed',
    roll_back: 'rolled_back',
    abort: 'aborted',
  },
  succeeded: {},
  failed: {},
  rolled_back: {},
  aborted: {},
};

export const TERMINAL_STATUSES: readonly DeploymentStatus[] = [
  'succeeded',
  'failed',
  'rolled_back',
  'aborted',
];

export function isTerminal(status: DeploymentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The status after `event`, or undefined when the event is not allowed from `status`. */
export function nextStatus(
  status: DeploymentStatus,
  event: DeploymentEvent,
): DeploymentStatus | undefined {
  return TRANSITIONS[status][event];
}

/** Statuses that hold the one-deploy-at-a-time lock of a service and environment. */
export function holdsLock(status: DeploymentStatus): boolean {
  return !isTerminal(status);
}

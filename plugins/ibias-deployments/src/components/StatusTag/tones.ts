import type {
  DeploymentStatus,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import type { Tone } from '@internal/ibias-react';

export type { Tone };

/**
 * The one place where a state gets its colour: a tone, drawn with @backstage/ui's theme
 * variables, so light and dark mode both work and nothing holds a colour of its own.
 */

export const STATUS_TONES: Record<DeploymentStatus, Tone> = {
  pending_approval: 'warning',
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  rolled_back: 'danger',
  aborted: 'neutral',
};

export const HEALTH_TONES: Record<Health, Tone> = {
  healthy: 'success',
  unhealthy: 'danger',
  starting: 'info',
  unknown: 'neutral',
};

export const VERDICT_TONES: Record<'pass' | 'fail' | 'inconclusive', Tone> = {
  pass: 'success',
  fail: 'danger',
  inconclusive: 'warning',
};

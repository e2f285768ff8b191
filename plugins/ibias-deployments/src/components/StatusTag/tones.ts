import type {
  DeploymentStatus,
  Health,
} from '@internal/plugin-ibias-deployments-common';

/**
 * The one place where a state gets its colour: a tone, drawn with @backstage/ui's theme
 * variables, so light and dark mode both work and nothing holds a colour of its own.
 */
export type Tone = 'success' | 'danger' | 'warning' | 'info' | 'neutral';

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

/** Background, text and border of a tag in each tone (the theme's subdued intents). */
const TONE_COLORS: Record<
  Tone,
  { background: string; color: string; borderColor: string }
> = {
  success: {
    background: 'var(--bui-positive-bg-subdued)',
    color: 'var(--bui-positive-fg-subdued)',
    borderColor: 'var(--bui-positive-border)',
  },
  danger: {
    background: 'var(--bui-negative-bg-subdued)',
    color: 'var(--bui-negative-fg-subdued)',
    borderColor: 'var(--bui-negative-border)',
  },
  warning: {
    background: 'var(--bui-warning-bg-subdued)',
    color: 'var(--bui-warning-fg-subdued)',
    borderColor: 'var(--bui-warning-border)',
  },
  info: {
    background: 'var(--bui-announcement-bg-subdued)',
    color: 'var(--bui-announcement-fg-subdued)',
    borderColor: 'var(--bui-announcement-border)',
  },
  neutral: {
    background: 'var(--bui-bg-neutral-2)',
    color: 'var(--bui-fg-secondary)',
    borderColor: 'var(--bui-border-1)',
  },
};

export function toneColors(tone: Tone) {
  return TONE_COLORS[tone];
}

import type {
  DeploymentStatus,
  EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';

/** How far back the history goes, for the time filter. */
export const HISTORY_PERIODS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;
export type HistoryPeriod = keyof typeof HISTORY_PERIODS;

export interface HistoryFilter {
  /** An entity ref (portal-wide page only). */
  service?: string;
  environment?: EnvironmentName;
  status?: DeploymentStatus;
  /** Who started it (a user entity ref). */
  actor?: string;
  period?: HistoryPeriod;
}

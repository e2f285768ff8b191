import {
  deployCostChange,
  deployWindows,
} from '@internal/plugin-ibias-ai-costs-common';
import type { HourlyUsage } from '../database/AlertStore';
import type { DeployRecord } from './DeployHistory';

const HOUR = 3_600_000;

export interface DeploySide {
  from: number;
  to: number;
  requests: number;
  costMicros: number;
  /** Null without requests. */
  perThousandMicros: number | null;
}

/** One deploy's cost per 1,000 requests before and after it. */
export interface DeployCost {
  deploy: DeployRecord;
  before: DeploySide;
  after: DeploySide;
  /** After ÷ before; null when either is unknown or before cost nothing. */
  ratio: number | null;
  raised: boolean;
  /** Why it was not judged (too few requests on a side). */
  reason?: string;
}

function side(hours: HourlyUsage[], from: number, to: number): DeploySide {
  let requests = 0;
  let costMicros = 0;
  for (const h of hours) {
    if (h.bucket >= from && h.bucket < to) {
      requests += h.calls;
      costMicros += h.costMicros;
    }
  }
  return {
    from,
    to,
    requests,
    costMicros,
    perThousandMicros:
      requests > 0 ? Math.round((costMicros / requests) * 1000) : null,
  };
}

/**
 * Each deploy's cost per 1,000 requests (AI calls) before and after it, from one
 * service's hourly rollups. A side stops at the neighbouring deploy's hour, so each
 * compares its own version with the one before it; the deploy's own hour, which mixes
 * both, is left out. Newest first.
 */
export function deployCostsOf(
  deploys: ReadonlyArray<DeployRecord>,
  hours: ReadonlyArray<HourlyUsage>,
  options: {
    windowMs: number;
    maxRatio: number;
    minRequests: number;
    now: number;
  },
): DeployCost[] {
  const sorted = [...deploys].sort((a, b) => a.at - b.at);
  const hourOf = (t: number) => Math.floor(t / HOUR) * HOUR;
  const rows = [...hours];
  return sorted
    .map((deploy, i) => {
      const w = deployWindows(deploy.at, options.windowMs, options.now);
      const previous = sorted[i - 1];
      const next = sorted[i + 1];
      const beforeFrom = previous
        ? Math.max(w.before.from, hourOf(previous.at) + HOUR)
        : w.before.from;
      const afterTo = next ? Math.min(w.after.to, hourOf(next.at)) : w.after.to;
      const before = side(rows, beforeFrom, w.before.to);
      const after = side(rows, w.after.from, Math.max(w.after.from, afterTo));
      const change = deployCostChange(
        { requests: before.requests, costMicros: before.costMicros },
        { requests: after.requests, costMicros: after.costMicros },
        { maxRatio: options.maxRatio, minRequests: options.minRequests },
      );
      return 'reason' in change
        ? {
            deploy,
            before,
            after,
            ratio: null,
            raised: false,
            reason: change.reason,
          }
        : { deploy, before, after, ratio: change.ratio, raised: change.raised };
    })
    .reverse();
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { LATE_EVENT_DAYS } from '@internal/plugin-ibias-ai-costs-common';
import type { AlertStore } from '../database/AlertStore';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';

const DAY = 86_400_000;
/** Raw events deleted per statement: short transactions, no long lock on the table. */
const BATCH = 5_000;

/** The default of ibias.aiCosts.retentionDays. */
export const DEFAULT_RETENTION_DAYS = 90;

/**
 * The shortest retention: an event may arrive LATE_EVENT_DAYS late, and its id must
 * still be there to make a replay harmless (a deleted id would be counted again).
 */
export const MIN_RETENTION_DAYS = LATE_EVENT_DAYS + 1;

/**
 * The oldest instant whose raw events are kept: `days` before now, at the start of that
 * UTC day, so every day from it on is whole in the raw events.
 */
export function retentionCutoff(now: Date, days: number): number {
  return Math.floor((now.getTime() - days * DAY) / DAY) * DAY;
}

/**
 * Deletes the raw events older than the retention, a batch at a time, and returns how
 * many; the rollups (what the dashboards read) are kept.
 */
export async function deleteExpiredEvents(options: {
  ledger: UsageLedgerStore;
  retentionDays: number;
  now: Date;
  logger?: LoggerService;
  batchSize?: number;
}): Promise<number> {
  const cutoff = retentionCutoff(options.now, options.retentionDays);
  const batch = options.batchSize ?? BATCH;
  let deleted = 0;
  for (;;) {
    const n = await options.ledger.deleteEventsBefore(cutoff, batch);
    deleted += n;
    if (n < batch) break;
  }
  if (deleted > 0) {
    options.logger?.info(
      `Deleted ${deleted} raw AI usage event(s) from before ${new Date(
        cutoff,
      ).toISOString()} (ibias.aiCosts.retentionDays = ${
        options.retentionDays
      }); the rollups are kept`,
    );
  }
  return deleted;
}

/**
 * Deletes the alerts resolved before the same retention as the raw events, a batch at a
 * time, and returns how many; open alerts stay whatever their age. `keepMs` keeps the
 * latest of them longer (the longest cooldown: the last firing of a rule is what a
 * cooldown is measured from).
 */
export async function deleteExpiredAlerts(options: {
  alerts: Pick<AlertStore, 'deleteResolvedBefore'>;
  retentionDays: number;
  now: Date;
  keepMs?: number;
  logger?: LoggerService;
  batchSize?: number;
}): Promise<number> {
  const cutoff = Math.min(
    retentionCutoff(options.now, options.retentionDays),
    options.now.getTime() - (options.keepMs ?? 0),
  );
  const batch = options.batchSize ?? BATCH;
  let deleted = 0;
  for (;;) {
    const n = await options.alerts.deleteResolvedBefore(cutoff, batch);
    deleted += n;
    if (n < batch) break;
  }
  if (deleted > 0) {
    options.logger?.info(
      `Deleted ${deleted} AI cost alert(s) resolved before ${new Date(
        cutoff,
      ).toISOString()} (ibias.aiCosts.retentionDays = ${
        options.retentionDays
      })`,
    );
  }
  return deleted;
}

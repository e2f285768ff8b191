import { within } from '@internal/ibias-backend-resilience';
import type { Knex } from 'knex';

type Status = 'up' | 'degraded' | 'down';

/**
 * The plugin's state for GET /health (no token): down when its database does not answer,
 * degraded when a configured Prometheus or SQL KPI source does not. Fixed phrases only.
 */
export async function checkHealth(options: {
  knex: Knex;
  prometheusUrl?: string;
  /** The SQL KPI source, when one is configured. */
  sql?: { ping(): Promise<void> };
  fetch?: typeof fetch;
}): Promise<{
  status: Status;
  checks: Record<string, { status: Status; detail?: string }>;
}> {
  const database = await within(
    2000,
    options.knex
      .raw('select 1')
      .then(() => ({ status: 'up' as Status }))
      .catch(() => ({ status: 'down' as Status, detail: 'unreachable' })),
    { status: 'down' as Status, detail: 'timed out after 2 s' },
  );
  const checks: Record<string, { status: Status; detail?: string }> = {
    database,
  };
  if (options.prometheusUrl) {
    const url = `${options.prometheusUrl.replace(/\/$/, '')}/-/ready`;
    checks.prometheus = await within(
      2000,
      (options.fetch ?? fetch)(url)
        .then(r =>
          r.ok
            ? { status: 'up' as Status }
            : { status: 'degraded' as Status, detail: `answered ${r.status}` },
        )
        .catch(() => ({ status: 'degraded' as Status, detail: 'unreachable' })),
      { status: 'degraded' as Status, detail: 'timed out after 2 s' },
    );
  }
  if (options.sql) {
    checks.sqlSource = await within(
      2000,
      options.sql
        .ping()
        .then(() => ({ status: 'up' as Status }))
        .catch(() => ({ status: 'degraded' as Status, detail: 'unreachable' })),
      { status: 'degraded' as Status, detail: 'timed out after 2 s' },
    );
  }
  const statuses = Object.values(checks).map(c => c.status);
  let status: Status = 'up';
  if (statuses.includes('degraded')) status = 'degraded';
  if (statuses.includes('down')) status = 'down';
  return { status, checks };
}

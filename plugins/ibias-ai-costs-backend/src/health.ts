import { within } from '@internal/ibias-backend-resilience';
import type { Knex } from 'knex';

type Status = 'up' | 'degraded' | 'down';

/** The plugin's state for GET /health (no token): down when its database does not answer. */
export async function checkHealth(knex: Knex): Promise<{
  status: Status;
  checks: Record<string, { status: Status; detail?: string }>;
}> {
  const database = await within(
    2000,
    knex
      .raw('select 1')
      .then(() => ({ status: 'up' as Status }))
      .catch(() => ({ status: 'down' as Status, detail: 'unreachable' })),
    { status: 'down' as Status, detail: 'timed out after 2 s' },
  );
  return { status: database.status, checks: { database } };
}

import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import type {
  CostQuery,
  CostRowData,
  DailyCostFilter,
  RecordedEvent,
  RollupPeriod,
  UsageStore,
} from './UsageStore';
import {
  LATENCY_COLUMNS,
  latencyColumnOf,
  type LatencyColumn,
} from './latencyColumns';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-ibias-ai-costs-backend',
  'migrations',
);

const HOUR = 3_600_000;
const DAY = 86_400_000;
const PERIOD_MS: Record<RollupPeriod, number> = { hour: HOUR, day: DAY };
/** Rows per INSERT (PostgreSQL takes 65,535 bindings; an event row has 21). */
const CHUNK = 500;

const ROLLUP_KEY = [
  'period',
  'bucket',
  'team',
  'entity_ref',
  'provider',
  'model',
] as const;
const ROLLUP_SUMS = [
  'calls',
  'errors',
  'unpriced_calls',
  'cost_micros',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'seconds',
  'latency_ms_sum',
] as const;

const GROUP_COLUMN = {
  team: 'team',
  entity: 'entity_ref',
  provider: 'provider',
  model: 'model',
} as const;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

export async function migrateAiCostsDatabase(database: DatabaseService) {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({ directory: migrationsDir });
  }
  return knex;
}

type RollupRow = Record<(typeof ROLLUP_KEY)[number], string | number> &
  Record<(typeof ROLLUP_SUMS)[number] | LatencyColumn, number>;

/** The rollup rows a set of new events adds, sorted by key (one lock order for all). */
export function rollupRows(events: RecordedEvent[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const e of events) {
    const at = Date.parse(e.timestamp);
    for (const period of ['hour', 'day'] as const) {
      const bucket = Math.floor(at / PERIOD_MS[period]) * PERIOD_MS[period];
      const key = [
        period,
        bucket,
        e.team,
        e.entityRef,
        e.provider,
        e.model,
      ].join('\u0000');
      let row = rows.get(key);
      if (!row) {
        row = {
          period,
          bucket,
          team: e.team,
          entity_ref: e.entityRef,
          provider: e.provider,
          model: e.model,
          calls: 0,
          errors: 0,
          unpriced_calls: 0,
          cost_micros: 0,
          input_tokens: 0,
          output_tokens: 0,
          cached_input_tokens: 0,
          seconds: 0,
          latency_ms_sum: 0,
          ...Object.fromEntries(LATENCY_COLUMNS.map(c => [c, 0])),
        };
        rows.set(key, row);
      }
      row.calls += 1;
      row.errors += e.status === 'error' ? 1 : 0;
      row.unpriced_calls += e.costMicros === null ? 1 : 0;
      row.cost_micros += e.costMicros ?? 0;
      row.input_tokens += e.inputTokens;
      row.output_tokens += e.outputTokens;
      row.cached_input_tokens += e.cachedInputTokens;
      row.seconds += e.seconds;
      row.latency_ms_sum += e.latencyMs;
      row[latencyColumnOf(e.latencyMs)] += 1;
    }
  }
  return (
    [...rows.entries()]
      // Code-unit order (not locale): the order every ingestion locks rows in.
      .sort(([a], [b]) => Number(a > b) - Number(a < b))
      .map(([, row]) => row)
  );
}

/**
 * Usage in PostgreSQL (production) or SQLite (the embedded default). Ingestion inserts
 * the events with ON CONFLICT DO NOTHING … RETURNING, so only the rows this transaction
 * really inserted reach the rollups: two replicas ingesting the same batch at once count
 * it once. Rollups are upserted with additions, in key order.
 */
export class KnexUsageStore implements UsageStore {
  static async create(database: DatabaseService): Promise<KnexUsageStore> {
    return new KnexUsageStore(await migrateAiCostsDatabase(database));
  }

  constructor(private readonly db: Knex) {}

  async ingest(events: RecordedEvent[], now: Date): Promise<RecordedEvent[]> {
    if (events.length === 0) return [];
    return this.db.transaction(async tx => {
      const byId = new Map(events.map(e => [e.id, e]));
      const inserted: RecordedEvent[] = [];
      for (const part of chunks(events)) {
        const ids: Array<{ id: string } | string> = await tx(
          'ibias_ai_usage_events',
        )
          .insert(
            part.map(e => ({
              id: e.id,
              occurred_at: Date.parse(e.timestamp),
              received_at: now.getTime(),
              entity_ref: e.entityRef,
              team: e.team,
              provider: e.provider,
              model: e.model,
              operation: e.operation,
              input_tokens: e.inputTokens,
              output_tokens: e.outputTokens,
              cached_input_tokens: e.cachedInputTokens,
              seconds: e.seconds,
              hardware: e.hardware ?? null,
              latency_ms: e.latencyMs,
              error: e.status === 'error',
              cache_hit: e.cacheHit,
              cost_micros: e.costMicros,
              price_id: e.priceId,
              reported_by: e.reportedBy,
            })),
          )
          .onConflict('id')
          .ignore()
          .returning('id');
        for (const row of ids) {
          const id = typeof row === 'string' ? row : row.id;
          const event = byId.get(id);
          if (event) inserted.push(event);
        }
      }
      const rollups = rollupRows(inserted);
      for (const part of chunks(rollups, 400)) {
        await tx('ibias_ai_usage_rollup')
          .insert(part)
          .onConflict([...ROLLUP_KEY])
          .merge(
            Object.fromEntries(
              [...ROLLUP_SUMS, ...LATENCY_COLUMNS].map(c => [
                c,
                tx.raw('?? + excluded.??', [`ibias_ai_usage_rollup.${c}`, c]),
              ]),
            ),
          );
      }
      return inserted;
    });
  }

  private filtered(
    table: 'ibias_ai_usage_rollup' | 'ibias_ai_usage_events',
    query: CostQuery,
  ) {
    const at = table === 'ibias_ai_usage_rollup' ? 'bucket' : 'occurred_at';
    let q = this.db(table)
      .where(at, '>=', query.from)
      .andWhere(at, '<', query.to);
    if (table === 'ibias_ai_usage_rollup')
      q = q.andWhere('period', query.period);
    if (query.entityRef) q = q.andWhere('entity_ref', query.entityRef);
    if (query.teams) q = q.whereIn('team', query.teams);
    return q;
  }

  async costs(query: CostQuery): Promise<CostRowData[]> {
    if (query.teams?.length === 0) return [];
    const column = GROUP_COLUMN[query.groupBy];
    const rows = await this.filtered('ibias_ai_usage_rollup', query)
      .groupBy('bucket', column)
      .orderBy([{ column: 'bucket' }, { column }])
      .select(
        'bucket',
        { key: column },
        this.db.raw('sum(cost_micros) as cost_micros'),
        this.db.raw('sum(calls) as calls'),
        this.db.raw('sum(errors) as errors'),
        this.db.raw('sum(unpriced_calls) as unpriced_calls'),
        this.db.raw('sum(input_tokens) as input_tokens'),
        this.db.raw('sum(output_tokens) as output_tokens'),
        this.db.raw('sum(seconds) as seconds'),
      );
    return rows.map(toCostRow);
  }

  async costsFromEvents(query: CostQuery): Promise<CostRowData[]> {
    if (query.teams?.length === 0) return [];
    const column = GROUP_COLUMN[query.groupBy];
    // Integer division of bigint milliseconds, the size inlined as an integer literal
    // (a bound number is a REAL to SQLite): the same bucket on both databases.
    const size = Math.trunc(PERIOD_MS[query.period]);
    const bucket = `(occurred_at / ${size}) * ${size}`;
    const rows = await this.filtered('ibias_ai_usage_events', query)
      .groupByRaw(`${bucket}, ${column}`)
      .orderByRaw(`${bucket}, ${column}`)
      .select(
        this.db.raw(`${bucket} as bucket`),
        { key: column },
        this.db.raw('coalesce(sum(cost_micros), 0) as cost_micros'),
        this.db.raw('count(*) as calls'),
        this.db.raw('sum(case when error then 1 else 0 end) as errors'),
        this.db.raw(
          'sum(case when cost_micros is null then 1 else 0 end) as unpriced_calls',
        ),
        this.db.raw('sum(input_tokens) as input_tokens'),
        this.db.raw('sum(output_tokens) as output_tokens'),
        this.db.raw('sum(seconds) as seconds'),
      );
    return rows.map(toCostRow);
  }

  async dailyCosts(filter: DailyCostFilter) {
    let q = this.db('ibias_ai_usage_rollup')
      .where('period', 'day')
      .andWhere('bucket', '>=', filter.from)
      .andWhere('bucket', '<', filter.to);
    if (filter.team) q = q.andWhere('team', filter.team);
    if (filter.entityRef) q = q.andWhere('entity_ref', filter.entityRef);
    if (filter.provider) q = q.andWhere('provider', filter.provider);
    if (filter.model) q = q.andWhere('model', filter.model);
    const rows = await q
      .groupBy('bucket')
      .orderBy('bucket')
      .select('bucket', this.db.raw('sum(cost_micros) as cost_micros'));
    return rows.map(r => ({
      day: num(r.bucket),
      costMicros: num(r.cost_micros),
    }));
  }

  async recordFirings(
    firings: Parameters<UsageStore['recordFirings']>[0],
    now: Date,
  ): Promise<string[]> {
    if (firings.length === 0) return [];
    const rows: Array<{ key: string } | string> = await this.db(
      'ibias_ai_budget_firings',
    )
      .insert(
        firings.map(f => ({
          key: f.key,
          budget_id: f.budgetId,
          period_start: f.periodStart,
          threshold: f.threshold,
          spent_micros: f.spentMicros,
          fired_at: now.getTime(),
        })),
      )
      .onConflict('key')
      .ignore()
      .returning('key');
    return rows.map(r => (typeof r === 'string' ? r : r.key));
  }

  async firedKeys(budgetId: string, periodStart: number): Promise<string[]> {
    const rows = await this.db('ibias_ai_budget_firings')
      .where({ budget_id: budgetId, period_start: periodStart })
      .select('key');
    return rows.map(r => String(r.key));
  }

  async hasUsage(): Promise<boolean> {
    return (await this.db('ibias_ai_usage_events').first('id')) !== undefined;
  }

  async teams(from: number, to: number, entityRef?: string): Promise<string[]> {
    let q = this.db('ibias_ai_usage_rollup')
      .where('period', 'day')
      .andWhere('bucket', '>=', Math.floor(from / DAY) * DAY)
      .andWhere('bucket', '<', to);
    if (entityRef) q = q.andWhere('entity_ref', entityRef);
    const rows = await q.distinct('team');
    return rows.map(r => String(r.team));
  }
}

function toCostRow(r: Record<string, unknown>): CostRowData {
  return {
    bucket: num(r.bucket),
    key: String(r.key),
    costMicros: num(r.cost_micros),
    calls: num(r.calls),
    errors: num(r.errors),
    unpricedCalls: num(r.unpriced_calls),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    seconds: num(r.seconds),
  };
}

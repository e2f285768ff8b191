import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { HardwareTier } from '@internal/plugin-ibias-ai-costs-common';
import { migrateAiCostsDatabase } from './KnexUsageStore';
import type {
  PricedAs,
  PricingInput,
  RepriceCounts,
  RepriceWindow,
  RollupLine,
  RollupLineCursor,
  RollupLineQuery,
  UsageLedgerStore,
} from './UsageLedgerStore';

const EVENTS = 'ibias_ai_usage_events';
const ROLLUP = 'ibias_ai_usage_rollup';
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Events read at a time while re-pricing. */
const PAGE = 1_000;
/** Ids per UPDATE … WHERE id IN (…). */
const IDS = 500;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const costOf = (v: unknown) =>
  v === null || v === undefined ? null : Number(v);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

interface EventRow {
  id: string;
  occurred_at: number | string;
  team: string;
  entity_ref: string;
  provider: string;
  model: string;
  input_tokens: number | string;
  output_tokens: number | string;
  cached_input_tokens: number | string;
  seconds: number | string;
  hardware: string | null;
  cache_hit: boolean | number;
  cost_micros: number | string | null;
  price_id: string | null;
}

interface RollupDelta {
  where: {
    period: 'hour' | 'day';
    bucket: number;
    team: string;
    entity_ref: string;
    provider: string;
    model: string;
  };
  costMicros: number;
  unpricedCalls: number;
}

/** The ledger on PostgreSQL or SQLite, on the tables of KnexUsageStore's migrations. */
export class KnexUsageLedgerStore implements UsageLedgerStore {
  static async create(
    database: DatabaseService,
  ): Promise<KnexUsageLedgerStore> {
    return new KnexUsageLedgerStore(await migrateAiCostsDatabase(database));
  }

  constructor(private readonly db: Knex) {}

  async dailyLines(
    query: RollupLineQuery,
    cursor: RollupLineCursor | undefined,
    limit: number,
  ): Promise<RollupLine[]> {
    if (query.teams?.length === 0) return [];
    let q = this.db(ROLLUP)
      .where('period', 'day')
      .andWhere('bucket', '>=', query.from)
      .andWhere('bucket', '<', query.to);
    if (query.teams) q = q.whereIn('team', query.teams);
    if (cursor) {
      // The primary key's order (after period): one index range scan a page.
      q = q.andWhereRaw(
        '(bucket, team, entity_ref, provider, model) > (?, ?, ?, ?, ?)',
        [
          cursor.day,
          cursor.team,
          cursor.entityRef,
          cursor.provider,
          cursor.model,
        ],
      );
    }
    const rows = await q
      .orderBy([
        { column: 'bucket' },
        { column: 'team' },
        { column: 'entity_ref' },
        { column: 'provider' },
        { column: 'model' },
      ])
      .limit(Math.trunc(limit))
      .select();
    return rows.map(r => ({
      day: num(r.bucket),
      team: String(r.team),
      entityRef: String(r.entity_ref),
      provider: String(r.provider),
      model: String(r.model),
      calls: num(r.calls),
      errors: num(r.errors),
      unpricedCalls: num(r.unpriced_calls),
      costMicros: num(r.cost_micros),
      inputTokens: num(r.input_tokens),
      outputTokens: num(r.output_tokens),
      cachedInputTokens: num(r.cached_input_tokens),
      seconds: num(r.seconds),
    }));
  }

  async countEvents(window: RepriceWindow): Promise<number> {
    let q = this.db(EVENTS)
      .where('occurred_at', '>=', window.from)
      .andWhere('occurred_at', '<', window.to);
    if (window.model) q = q.andWhere('model', window.model);
    const [row] = await q.count({ n: '*' });
    return Number(row.n);
  }

  async reprice(
    window: RepriceWindow,
    price: (event: PricingInput) => PricedAs,
  ): Promise<RepriceCounts> {
    return this.db.transaction(async tx => {
      const counts: RepriceCounts = {
        events: 0,
        repriced: 0,
        rollupRows: 0,
        costBeforeMicros: 0,
        costAfterMicros: 0,
        unpricedBefore: 0,
        unpricedAfter: 0,
      };
      const deltas = new Map<string, RollupDelta>();
      let after: { at: number; id: string } | undefined;
      for (;;) {
        let q = tx<EventRow>(EVENTS)
          .where('occurred_at', '>=', window.from)
          .andWhere('occurred_at', '<', window.to);
        if (window.model) q = q.andWhere('model', window.model);
        if (after) {
          // A row-value comparison: both databases walk the (occurred_at, id) index from
          // the last row on, however many events share its instant.
          q = q.andWhereRaw('(occurred_at, id) > (?, ?)', [after.at, after.id]);
        }
        const rows: EventRow[] = await q
          .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
          .limit(PAGE)
          .select(
            'id',
            'occurred_at',
            'team',
            'entity_ref',
            'provider',
            'model',
            'input_tokens',
            'output_tokens',
            'cached_input_tokens',
            'seconds',
            'hardware',
            'cache_hit',
            'cost_micros',
            'price_id',
          );
        if (rows.length === 0) break;
        const last = rows[rows.length - 1];
        after = { at: num(last.occurred_at), id: String(last.id) };

        // The changes of this page, grouped by (old, new) price: one compare-and-set
        // UPDATE per group, the old cost and price id in its WHERE.
        const groups = new Map<
          string,
          { before: PricedAs; next: PricedAs; rows: EventRow[] }
        >();
        for (const row of rows) {
          const before: PricedAs = {
            costMicros: costOf(row.cost_micros),
            priceId: row.price_id,
          };
          counts.events += 1;
          counts.costBeforeMicros += before.costMicros ?? 0;
          counts.unpricedBefore += before.costMicros === null ? 1 : 0;
          const next = price({
            timestamp: new Date(num(row.occurred_at)).toISOString(),
            provider: row.provider,
            model: row.model,
            inputTokens: num(row.input_tokens),
            outputTokens: num(row.output_tokens),
            cachedInputTokens: num(row.cached_input_tokens),
            seconds: num(row.seconds),
            hardware: (row.hardware ?? undefined) as HardwareTier | undefined,
            cacheHit: Boolean(row.cache_hit),
          });
          if (
            next.costMicros === before.costMicros &&
            next.priceId === before.priceId
          ) {
            continue;
          }
          const key = JSON.stringify([before, next]);
          const group = groups.get(key) ?? { before, next, rows: [] };
          group.rows.push(row);
          groups.set(key, group);
        }
        for (const { before, next, rows: changed } of groups.values()) {
          const byId = new Map(changed.map(r => [String(r.id), r]));
          for (const ids of chunks([...byId.keys()], IDS)) {
            let update = tx(EVENTS).whereIn('id', ids);
            update =
              before.costMicros === null
                ? update.whereNull('cost_micros')
                : update.andWhere('cost_micros', before.costMicros);
            update =
              before.priceId === null
                ? update.whereNull('price_id')
                : update.andWhere('price_id', before.priceId);
            const done: Array<{ id: string } | string> = await update
              .update({ cost_micros: next.costMicros, price_id: next.priceId })
              .returning('id');
            for (const d of done) {
              const row = byId.get(typeof d === 'string' ? d : d.id);
              if (!row) continue;
              counts.repriced += 1;
              const costMicros =
                (next.costMicros ?? 0) - (before.costMicros ?? 0);
              const unpricedCalls =
                (next.costMicros === null ? 1 : 0) -
                (before.costMicros === null ? 1 : 0);
              if (costMicros === 0 && unpricedCalls === 0) continue;
              for (const [period, size] of [
                ['hour', HOUR],
                ['day', DAY],
              ] as const) {
                const at = num(row.occurred_at);
                const where = {
                  period,
                  bucket: Math.floor(at / size) * size,
                  team: row.team,
                  entity_ref: row.entity_ref,
                  provider: row.provider,
                  model: row.model,
                };
                const k = [
                  period,
                  where.bucket,
                  row.team,
                  row.entity_ref,
                  row.provider,
                  row.model,
                ].join('\u0000');
                const delta = deltas.get(k) ?? {
                  where,
                  costMicros: 0,
                  unpricedCalls: 0,
                };
                delta.costMicros += costMicros;
                delta.unpricedCalls += unpricedCalls;
                deltas.set(k, delta);
              }
            }
          }
        }
      }

      // In key order (code units), as ingestion locks them: no deadlock between the two.
      const ordered = [...deltas.entries()]
        .sort(([a], [b]) => Number(a > b) - Number(a < b))
        .map(([, d]) => d)
        .filter(d => d.costMicros !== 0 || d.unpricedCalls !== 0);
      let costDelta = 0;
      let unpricedDelta = 0;
      for (const d of ordered) {
        // Integer literals (a bound number is a REAL to SQLite), from integers only.
        const updated = await tx(ROLLUP)
          .where(d.where)
          .update({
            cost_micros: tx.raw(`cost_micros + ${Math.trunc(d.costMicros)}`),
            unpriced_calls: tx.raw(
              `unpriced_calls + ${Math.trunc(d.unpricedCalls)}`,
            ),
          });
        if (updated !== 1) {
          // Every recorded event is in its rollups: a missing row means the tables
          // disagree, and nothing should be written on top of that.
          throw new Error(
            `The ${d.where.period} rollup of ${d.where.entity_ref} ${
              d.where.model
            } at ${new Date(
              d.where.bucket,
            ).toISOString()} is missing: nothing was re-priced`,
          );
        }
        counts.rollupRows += 1;
        if (d.where.period === 'day') {
          costDelta += d.costMicros;
          unpricedDelta += d.unpricedCalls;
        }
      }
      counts.costAfterMicros = counts.costBeforeMicros + costDelta;
      counts.unpricedAfter = counts.unpricedBefore + unpricedDelta;
      return counts;
    });
  }

  async deleteEventsBefore(before: number, limit: number): Promise<number> {
    const ids = this.db(EVENTS)
      .select('id')
      .where('occurred_at', '<', before)
      .limit(Math.trunc(limit));
    return this.db(EVENTS).whereIn('id', ids).delete();
  }
}

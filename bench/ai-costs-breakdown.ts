// A 30-day breakdown of AI spend by team × model × day over 10,000,000 usage events on
// PostgreSQL (goal: p95 under 1 s), as a ratio to a GROUP BY over the raw events of the
// same window (goal: at least 20× faster), with identical totals (issue 13):
//   npm run bench -- bench/ai-costs-breakdown.ts [runs] [events] [postgres-url]
// Creates a database of its own (ibias_bench_ai_breakdown, dropped at the end; kept with
// IBIAS_BENCH_AI_KEEP=1), migrates it with the plugin's migrations and loads [events]
// (default 10,000,000) events over the 90 days before today (UTC), the spread of
// bench/ai-costs-sample.ts (40 services, 8 teams and the unattributed, 6 models, more
// calls toward the end):
//   - all but 100,000 generated in SQL (INSERT … SELECT FROM generate_series, 1M rows a
//     statement, the table's keys and indexes dropped during the load and created again
//     from their own definitions), priced in SQL with the price book's figures in the
//     order priceEvent computes them (a sample of 20,000 is priced again by priceEvent
//     and must match to the micro-dollar), then the hourly and daily rollups built from
//     them by a GROUP BY filling exactly the columns KnexUsageStore.rollupRows writes
//     (the latency ladder's counts included, when the table has them); one day of a
//     service is rolled up again by rollupRows and must match every column;
//   - the last 100,000 through KnexUsageStore.ingest (priced by priceEvent, batches of
//     1,000): the real insert and rollup upsert, on top of the SQL-made rows.
// Then, after 3 warm-up runs, [runs] (default 20) times each:
//   A. the breakdown through CostService.costs (what GET /costs runs, permission ALLOW):
//      the 30 days by team (the team list), then each team by model and day — the API
//      groups by one dimension, so team × model × day is one call per team;
//   B. a GROUP BY day, team, model over the raw events of the same 30 days (one query);
//   B′ (5 runs, a check that B is no strawman) B with work_mem 256MB for the query
//      (the server's default 4MB makes it sort and spill to disk);
//   C. for reference, the one rollup query a two-dimension groupBy would send.
// Prints p50/p95/max, A's p95 against 1 s and B / A (p50 and p95) against 20×, checks
// that every (day, team, model) cell of A equals B's (cost in integer micro-dollars and
// calls), and prints EXPLAIN (ANALYZE, BUFFERS) of the queries A and B send.
import { knex as createKnex, type Knex } from 'knex';
import {
  priceEvent,
  withDefaults,
  type UsageEvent,
} from '@internal/plugin-ibias-ai-costs-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  KnexUsageStore,
  rollupRows,
} from '../plugins/ibias-ai-costs-backend/src/database/KnexUsageStore';
import { CostService } from '../plugins/ibias-ai-costs-backend/src/service/CostService';
import type { RecordedEvent } from '../plugins/ibias-ai-costs-backend/src/database/UsageStore';
import {
  generateEvents,
  MODELS,
  percentiles,
  PRICE_BOOK,
  SERVICE_SKEW,
  SERVICES,
  seededRandom,
} from './ai-costs-sample';

const runs = Number(process.argv[2] ?? 20);
const total = Number(process.argv[3] ?? 10_000_000);
const postgresUrl =
  process.argv[4] ??
  process.env.IBIAS_BENCH_POSTGRES ??
  'postgresql://postgres@127.0.0.1:5432';
const keep = process.env.IBIAS_BENCH_AI_KEEP === '1';
const DATABASE = 'ibias_bench_ai_breakdown';
const GOAL_MS = 1000;
const GOAL_RATIO = 20;
const WARM_UP = 3;
const DAY = 86_400_000;
const VIA_STORE = Math.min(100_000, total);
const SQL_CHUNK = 1_000_000;
const PRICE_SAMPLE = 20_000;
const TUNED_RUNS = 5;

const END = Math.floor(Date.now() / DAY) * DAY; // today 00:00 UTC
const START = END - 90 * DAY;
const FROM = END - 30 * DAY;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;
const seconds = (start: bigint) =>
  Number(process.hrtime.bigint() - start) / 1e9;

async function timed(fn: () => Promise<unknown>) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A literal SQL can read back as the same double JavaScript holds. */
const float = (n: number) => `${n}::float8`;
const text = (s: string | null | undefined) =>
  s === null || s === undefined ? 'NULL' : `'${s.replace(/'/g, "''")}'`;

/** The price each model is priced with (priceEvent on a call of it), for the SQL. */
function modelPrices() {
  return MODELS.map((m, i) => {
    const probe = withDefaults({
      id: 'probe',
      timestamp: new Date(FROM).toISOString(),
      entityRef: SERVICES[0].ref,
      provider: m.provider,
      model: m.model,
      latencyMs: 1,
      status: 'success',
      ...('hardware' in m ? { hardware: m.hardware, seconds: 1 } : {}),
    });
    const priced = priceEvent(probe, PRICE_BOOK);
    if (!priced.priced) throw new Error(`${m.model} is not priced`);
    const price = PRICE_BOOK.find(p => p.id === priced.priceId)!;
    return { ...m, i, price };
  });
}

/** Events n in [first, last], as generateEvents spreads them, in one INSERT … SELECT. */
function generateSql(first: number, last: number) {
  let cumulative = 0;
  const modelCase = MODELS.map((m, i) => {
    cumulative += m.share;
    return i === MODELS.length - 1
      ? `ELSE ${i}`
      : `WHEN rm < ${cumulative.toFixed(6)} THEN ${i}`;
  }).join(' ');
  const services = SERVICES.map(
    (s, i) => `(${i}, ${text(s.ref)}, ${text(s.team)})`,
  ).join(', ');
  const models = modelPrices()
    .map(m => {
      const p = m.price;
      const token = p.per === 'token';
      return `(${m.i}, ${text(m.provider)}, ${text(m.model)}, ${text(
        m.operation,
      )}, ${m.operation === 'chat'}, ${!token}, ${
        token ? float(p.inputPerMillion) : 'NULL::float8'
      }, ${token ? float(p.outputPerMillion) : 'NULL::float8'}, ${
        token
          ? float(p.cachedInputPerMillion ?? p.inputPerMillion)
          : 'NULL::float8'
      }, ${token ? 'NULL::float8' : float(p.perSecond)}, ${text(
        'hardware' in m ? m.hardware : null,
      )}, ${text(p.id)})`;
    })
    .join(', ');
  // priceEvent: Math.round(((input − cached) × in + cached × cachedIn) + output × out),
  // or Math.round(seconds × perSecond × 1e6); a cache hit costs 0; floor(x + 0.5) is
  // Math.round for these positive figures.
  return `
INSERT INTO ibias_ai_usage_events (id, occurred_at, received_at, entity_ref, team, provider,
  model, operation, input_tokens, output_tokens, cached_input_tokens, seconds, hardware,
  latency_ms, error, cache_hit, cost_micros, price_id, reported_by)
SELECT id, occurred_at, occurred_at + 1000 + floor(r8 * 60000)::bigint, ref, team, provider,
  model, operation, input_tokens, output_tokens, cached_input_tokens, seconds, hardware,
  latency_ms, error, cache_hit,
  CASE WHEN cache_hit THEN 0
       WHEN per_second AND hardware IS NULL THEN NULL
       WHEN per_second THEN floor(seconds * per_s * 1000000::float8 + 0.5::float8)::bigint
       ELSE floor((((input_tokens - cached_input_tokens)::float8 * in_p
         + cached_input_tokens::float8 * cached_p) + output_tokens::float8 * out_p)
         + 0.5::float8)::bigint END,
  CASE WHEN cache_hit THEN 'cache-hit'
       WHEN per_second AND hardware IS NULL THEN NULL
       ELSE price_id END,
  'external:ai-gateway'
FROM (
  SELECT 'ev-' || n AS id, ${START}::bigint + floor(${
    END - START
  }::float8 * power(rt, 0.85))::bigint AS occurred_at,
    s.ref, s.team, m.provider, m.model, m.operation, m.per_second, m.in_p, m.out_p,
    m.cached_p, m.per_s, m.price_id, r8,
    CASE WHEN m.per_second THEN 0 ELSE floor(50 + 3000 * power(r1, 2.5))::bigint END AS input_tokens,
    CASE WHEN m.chat THEN floor(10 + 1200 * power(r2, 3))::bigint ELSE 0 END AS output_tokens,
    CASE WHEN m.chat AND r3 < 0.3
      THEN floor(floor(50 + 3000 * power(r1, 2.5)) * 0.8 * r4)::bigint ELSE 0 END AS cached_input_tokens,
    CASE WHEN m.per_second THEN round(200 + 20000 * power(r2, 2)) / 1000 ELSE 0 END AS seconds,
    CASE WHEN m.per_second AND r4 >= 0.03 THEN m.hardware END AS hardware,
    round(50 + 4000 * power(r6, 3)) AS latency_ms,
    r7 < 0.02 AS error,
    m.chat AND r5 < 0.03 AS cache_hit
  FROM (
    SELECT n, floor(${
      SERVICES.length
    } * power(random(), ${SERVICE_SKEW}))::int AS si,
      random() AS rm, random() AS rt, random() AS r1, random() AS r2, random() AS r3,
      random() AS r4, random() AS r5, random() AS r6, random() AS r7, random() AS r8
    FROM generate_series(${first}, ${last}) AS n
  ) g
  JOIN (VALUES ${services}) AS s(idx, ref, team) ON s.idx = g.si
  JOIN (VALUES ${models}) AS m(idx, provider, model, operation, chat, per_second, in_p, out_p,
    cached_p, per_s, hardware, price_id)
    ON m.idx = CASE ${modelCase} END
) e`;
}

/**
 * The rollup rows rollupRows would make of the events, for one period: the sums, and the
 * calls counted by latency when the table has the ladder's columns (`latency_le_<ms>` …
 * `latency_over_<ms>`: a call counts in the first bound it does not pass).
 */
function rollupSql(period: 'hour' | 'day', columns: string[]) {
  const size = period === 'hour' ? 3_600_000 : DAY;
  const bounds = columns
    .map(c => /^latency_le_(\d+)$/.exec(c))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(m => Number(m[1]))
    .sort((x, y) => x - y);
  const ladder = bounds.map((bound, i) => ({
    column: `latency_le_${bound}`,
    when:
      i === 0
        ? `latency_ms <= ${bound}`
        : `latency_ms > ${bounds[i - 1]} AND latency_ms <= ${bound}`,
  }));
  const over = columns.find(c => /^latency_over_\d+$/.test(c));
  if (over) {
    ladder.push({
      column: over,
      when: `latency_ms > ${bounds[bounds.length - 1]}`,
    });
  }
  const target = [...ROLLUP_COLUMNS, ...ladder.map(l => l.column)];
  return {
    columns: target,
    sql: `
INSERT INTO ibias_ai_usage_rollup (${target.join(', ')})
SELECT '${period}', (occurred_at / ${size}) * ${size}, team, entity_ref, provider, model,
  count(*), sum(CASE WHEN error THEN 1 ELSE 0 END),
  sum(CASE WHEN cost_micros IS NULL THEN 1 ELSE 0 END), coalesce(sum(cost_micros), 0),
  sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(seconds),
  sum(latency_ms)${ladder
    .map(l => `,\n  sum(CASE WHEN ${l.when} THEN 1 ELSE 0 END)`)
    .join('')}
FROM ibias_ai_usage_events
GROUP BY 2, 3, 4, 5, 6`,
  };
}

const ROLLUP_COLUMNS = [
  'period',
  'bucket',
  'team',
  'entity_ref',
  'provider',
  'model',
  'calls',
  'errors',
  'unpriced_calls',
  'cost_micros',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'seconds',
  'latency_ms_sum',
];

async function load(db: Knex, store: KnexUsageStore) {
  const generated = total - VIA_STORE;
  // For the load only (reset before the store's part and the measurements).
  await db.raw("SET maintenance_work_mem = '1GB'");
  await db.raw("SET work_mem = '256MB'");
  await db.raw('SET synchronous_commit = off');
  // Keys and indexes off during the load, created again from their own definitions.
  const indexes = await db.raw(
    `SELECT indexname, indexdef FROM pg_indexes
     WHERE tablename = 'ibias_ai_usage_events' AND indexname NOT IN
       (SELECT conname FROM pg_constraint WHERE conrelid = 'ibias_ai_usage_events'::regclass)`,
  );
  const [pk] = (
    await db.raw(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE conrelid = 'ibias_ai_usage_events'::regclass AND contype = 'p'`,
    )
  ).rows;
  for (const ix of indexes.rows) await db.raw(`DROP INDEX ${ix.indexname}`);
  await db.raw(
    `ALTER TABLE ibias_ai_usage_events DROP CONSTRAINT ${pk.conname}`,
  );

  let start = process.hrtime.bigint();
  await db.raw('SELECT setseed(0.13)');
  for (let first = 1; first <= generated; first += SQL_CHUNK) {
    const last = Math.min(generated, first + SQL_CHUNK - 1);
    await db.raw(generateSql(first, last));
  }
  const generateSeconds = seconds(start);
  console.log(
    `  generated ${fmt(generated)} events in SQL: ${generateSeconds.toFixed(
      1,
    )} s (${fmt(generated / generateSeconds)} events/s)`,
  );

  start = process.hrtime.bigint();
  await db.raw(
    `ALTER TABLE ibias_ai_usage_events ADD CONSTRAINT ${pk.conname} ${pk.def}`,
  );
  for (const ix of indexes.rows) await db.raw(ix.indexdef);
  console.log(
    `  primary key and ${indexes.rows.length} indexes created again: ${seconds(
      start,
    ).toFixed(1)} s (${[
      pk.conname,
      ...indexes.rows.map((r: any) => r.indexname),
    ].join(', ')})`,
  );

  // The SQL fills every column the store's rollupRows writes, and no other.
  const tableColumns = Object.keys(
    await db('ibias_ai_usage_rollup').columnInfo(),
  );
  const hour = rollupSql('hour', tableColumns);
  const written = Object.keys(
    rollupRows([
      {
        ...withDefaults({
          id: 'probe',
          timestamp: new Date(START).toISOString(),
          entityRef: SERVICES[0].ref,
          provider: 'openai',
          model: 'gpt-4o',
          latencyMs: 1,
          status: 'success',
        }),
        entityRef: SERVICES[0].ref,
        team: SERVICES[0].team,
        costMicros: 1,
        priceId: 'probe',
        reportedBy: 'probe',
      },
    ])[0],
  ).sort();
  if (written.join() !== [...hour.columns].sort().join()) {
    throw new Error(
      `rollupRows writes ${written.join(', ')}; the SQL ${hour.columns.join(
        ', ',
      )}`,
    );
  }
  start = process.hrtime.bigint();
  await db.raw(hour.sql);
  await db.raw(rollupSql('day', tableColumns).sql);
  console.log(
    `  rollups from the events (${
      hour.columns.length
    } columns, as rollupRows writes them): ${seconds(start).toFixed(1)} s`,
  );
  await checkRollupSlice(db);
  await db.raw('RESET maintenance_work_mem');
  await db.raw('RESET work_mem');
  await db.raw('RESET synchronous_commit');

  // The rest through the store itself: its insert and its rollup upsert.
  const owners = new Map(SERVICES.map(s => [s.ref, s.team]));
  const events = generateEvents(VIA_STORE, {
    prefix: 'store',
    from: START,
    to: END,
    seed: 29,
  });
  start = process.hrtime.bigint();
  for (let i = 0; i < events.length; i += 1000) {
    const batch: RecordedEvent[] = events.slice(i, i + 1000).map(input => {
      const e = withDefaults(input);
      const pricing = priceEvent(e, PRICE_BOOK);
      return {
        ...e,
        entityRef: e.entityRef.toLowerCase(),
        team: owners.get(e.entityRef)!,
        costMicros: pricing.priced ? pricing.costMicros : null,
        priceId: pricing.priced ? pricing.priceId : null,
        reportedBy: 'external:ai-gateway',
      };
    });
    const inserted = await store.ingest(batch, new Date());
    if (inserted.length !== batch.length)
      throw new Error('store.ingest lost events');
  }
  const storeSeconds = seconds(start);
  console.log(
    `  ${fmt(
      VIA_STORE,
    )} events through KnexUsageStore.ingest: ${storeSeconds.toFixed(
      1,
    )} s (${fmt(VIA_STORE / storeSeconds)} events/s on the loaded table)`,
  );

  start = process.hrtime.bigint();
  await db.raw('VACUUM ANALYZE ibias_ai_usage_events');
  await db.raw('VACUUM ANALYZE ibias_ai_usage_rollup');
  console.log(`  VACUUM ANALYZE: ${seconds(start).toFixed(1)} s`);
}

/** The raw event rows as the store's RecordedEvent. */
function recordedOf(r: any): RecordedEvent {
  return {
    id: r.id,
    timestamp: new Date(Number(r.occurred_at)).toISOString(),
    entityRef: r.entity_ref,
    team: r.team,
    provider: r.provider,
    model: r.model,
    operation: r.operation,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cachedInputTokens: Number(r.cached_input_tokens),
    seconds: r.seconds,
    hardware: r.hardware ?? undefined,
    latencyMs: r.latency_ms,
    status: r.error ? 'error' : 'success',
    cacheHit: r.cache_hit,
    costMicros: r.cost_micros === null ? null : Number(r.cost_micros),
    priceId: r.price_id,
    reportedBy: r.reported_by,
  };
}

/**
 * One day of the busiest service (every model, hour and day rows) rolled up by the store's
 * rollupRows from its raw events, against the rows the SQL made: each column equal
 * (integers exactly, the float sums to 1e-9).
 */
async function checkRollupSlice(db: Knex) {
  const day = END - 45 * DAY;
  const ref = SERVICES[0].ref;
  const events = (
    await db('ibias_ai_usage_events')
      .where('entity_ref', ref)
      .andWhere('occurred_at', '>=', day)
      .andWhere('occurred_at', '<', day + DAY)
      .select('*')
  ).map(recordedOf);
  const expected = rollupRows(events);
  const stored = await db('ibias_ai_usage_rollup')
    .where('entity_ref', ref)
    .andWhere(q =>
      q
        .where(w => w.where('period', 'day').andWhere('bucket', day))
        .orWhere(w =>
          w
            .where('period', 'hour')
            .andWhere('bucket', '>=', day)
            .andWhere('bucket', '<', day + DAY),
        ),
    )
    .select('*');
  const key = (r: any) =>
    [
      r.period,
      Number(r.bucket),
      r.team,
      r.entity_ref,
      r.provider,
      r.model,
    ].join('|');
  const byKey = new Map(stored.map(r => [key(r), r]));
  let differ = 0;
  for (const row of expected) {
    const got = byKey.get(key(row));
    if (!got) {
      differ += 1;
      continue;
    }
    for (const [column, value] of Object.entries(row)) {
      const v = got[column];
      const same =
        typeof value === 'number' && !Number.isInteger(value)
          ? Math.abs(Number(v) - value) <= 1e-9 * Math.max(1, Math.abs(value))
          : String(v) === String(value);
      if (!same) differ += 1;
    }
  }
  console.log(
    `  rollup check: ${events.length} events of ${ref} on ${new Date(day)
      .toISOString()
      .slice(0, 10)} → ${expected.length} rows by rollupRows, ${
      stored.length
    } by the SQL, ${
      differ === 0 && expected.length === stored.length
        ? 'every column equal'
        : `${differ} differ`
    }`,
  );
  if (differ !== 0 || expected.length !== stored.length) {
    throw new Error('the SQL rollups are not what rollupRows makes');
  }
}

/** The SQL-generated events priced again by priceEvent: every cost to the micro-dollar. */
async function checkPrices(db: Knex) {
  const random = seededRandom(5);
  const generated = total - VIA_STORE;
  const ids = [
    ...new Set(
      Array.from(
        { length: Math.min(PRICE_SAMPLE, generated) },
        () => `ev-${1 + Math.floor(random() * generated)}`,
      ),
    ),
  ];
  let equal = 0;
  const wrong: string[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db('ibias_ai_usage_events')
      .whereIn('id', ids.slice(i, i + 5000))
      .select('*');
    for (const r of rows) {
      const event: UsageEvent = {
        id: r.id,
        timestamp: new Date(Number(r.occurred_at)).toISOString(),
        entityRef: r.entity_ref,
        provider: r.provider,
        model: r.model,
        operation: r.operation,
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        cachedInputTokens: Number(r.cached_input_tokens),
        seconds: r.seconds,
        hardware: r.hardware ?? undefined,
        latencyMs: r.latency_ms,
        status: r.error ? 'error' : 'success',
        cacheHit: r.cache_hit,
      };
      const p = priceEvent(event, PRICE_BOOK);
      const cost = p.priced ? p.costMicros : null;
      const id = p.priced ? p.priceId : null;
      const stored = r.cost_micros === null ? null : Number(r.cost_micros);
      if (cost === stored && id === r.price_id) equal += 1;
      else if (wrong.length < 5) {
        wrong.push(
          `${r.id}: stored ${stored} ${r.price_id}, priceEvent ${cost} ${id}`,
        );
      }
    }
  }
  console.log(
    `  pricing check: ${fmt(equal)} of ${fmt(
      ids.length,
    )} sampled SQL-made events priced identically by priceEvent${
      wrong.length ? `; differ: ${wrong.join('; ')}` : ''
    }`,
  );
  if (equal !== ids.length)
    throw new Error('the SQL pricing is not priceEvent');
}

type Cells = Map<string, { cost: bigint; calls: number }>;

async function main() {
  console.log(
    `AI costs breakdown: 30 days by team × model × day over ${fmt(
      total,
    )} events on PostgreSQL (goals: p95 < ${GOAL_MS} ms; ≥ ${GOAL_RATIO}× a GROUP BY over the events)`,
  );
  const admin = createKnex({ client: 'pg', connection: postgresUrl });
  await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await admin.raw(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${DATABASE}`;
  const db = createKnex({
    client: 'pg',
    connection: url.toString(),
    pool: { min: 1, max: 1 },
  });
  try {
    const store = await KnexUsageStore.create({
      getClient: async () => db,
      migrations: { skip: false },
    } as any);
    const loadStart = process.hrtime.bigint();
    await load(db, store);
    console.log(`  loaded in ${seconds(loadStart).toFixed(1)} s`);
    await checkPrices(db);
    const sizes = (
      await db.raw(
        `SELECT (SELECT count(*) FROM ibias_ai_usage_events) AS events,
           (SELECT count(*) FROM ibias_ai_usage_events WHERE occurred_at >= ${FROM} AND occurred_at < ${END}) AS window_events,
           (SELECT count(*) FROM ibias_ai_usage_rollup WHERE period = 'day') AS day_rows,
           (SELECT count(*) FROM ibias_ai_usage_rollup WHERE period = 'hour') AS hour_rows,
           pg_size_pretty(pg_total_relation_size('ibias_ai_usage_events')) AS events_size,
           pg_size_pretty(pg_total_relation_size('ibias_ai_usage_rollup')) AS rollup_size`,
      )
    ).rows[0];
    console.log(
      `  ${fmt(Number(sizes.events))} events (${sizes.events_size}), ${fmt(
        Number(sizes.window_events),
      )} in the 30 days ${new Date(FROM)
        .toISOString()
        .slice(0, 10)} … ${new Date(END - DAY)
        .toISOString()
        .slice(0, 10)}; rollups ${fmt(Number(sizes.day_rows))} day and ${fmt(
        Number(sizes.hour_rows),
      )} hour rows (${sizes.rollup_size})`,
    );

    const costs = new CostService({
      store,
      permissions: {
        authorize: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
        authorizeConditional: async (r: unknown[]) =>
          r.map(() => ({ result: AuthorizeResult.ALLOW })),
      } as any,
    });
    const credentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/nora' },
    } as any;
    const request = {
      from: new Date(FROM),
      to: new Date(END),
      granularity: 'day' as const,
    };

    /** A: what GET /costs answers, one team at a time by model (the API's one dimension). */
    async function viaCostService(): Promise<Cells> {
      const byTeam = await costs.costs(
        { ...request, groupBy: 'team' },
        credentials,
      );
      const cells: Cells = new Map();
      for (const { key: team } of byTeam.totals) {
        const report = await costs.costs(
          { ...request, groupBy: 'model', team },
          credentials,
        );
        for (const r of report.rows) {
          cells.set(`${Date.parse(r.at)}|${team}|${r.key}`, {
            cost: BigInt(r.costMicros),
            calls: r.calls,
          });
        }
      }
      return cells;
    }

    const rawSql = `SELECT (occurred_at / ${DAY}) * ${DAY} AS bucket, team, model,
        coalesce(sum(cost_micros), 0) AS cost_micros, count(*) AS calls,
        sum(CASE WHEN error THEN 1 ELSE 0 END) AS errors,
        sum(CASE WHEN cost_micros IS NULL THEN 1 ELSE 0 END) AS unpriced_calls,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(seconds) AS seconds
      FROM ibias_ai_usage_events WHERE occurred_at >= ${FROM} AND occurred_at < ${END}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    /** B: the same from the raw events, one GROUP BY. */
    async function viaEvents(): Promise<Cells> {
      const rows = (await db.raw(rawSql)).rows;
      return new Map(
        rows.map((r: any) => [
          `${Number(r.bucket)}|${r.team}|${r.model}`,
          { cost: BigInt(r.cost_micros), calls: Number(r.calls) },
        ]),
      );
    }

    /** B′: the same GROUP BY with work_mem 256MB (a hash aggregate, no sort spilled to disk). */
    async function viaEventsTuned(): Promise<Cells> {
      return db.transaction(async tx => {
        await tx.raw("SET LOCAL work_mem = '256MB'");
        const rows = (await tx.raw(rawSql)).rows;
        return new Map(
          rows.map((r: any) => [
            `${Number(r.bucket)}|${r.team}|${r.model}`,
            { cost: BigInt(r.cost_micros), calls: Number(r.calls) },
          ]),
        );
      });
    }

    const rollupSqlOne = `SELECT bucket, team, model, sum(cost_micros) AS cost_micros,
        sum(calls) AS calls, sum(errors) AS errors, sum(unpriced_calls) AS unpriced_calls,
        sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
        sum(seconds) AS seconds
      FROM ibias_ai_usage_rollup WHERE period = 'day' AND bucket >= ${FROM} AND bucket < ${END}
      GROUP BY bucket, team, model ORDER BY bucket, team, model`;
    /** C: one rollup query grouped by team and model (what a two-dimension groupBy would send). */
    async function viaOneRollupQuery(): Promise<Cells> {
      const rows = (await db.raw(rollupSqlOne)).rows;
      return new Map(
        rows.map((r: any) => [
          `${Number(r.bucket)}|${r.team}|${r.model}`,
          { cost: BigInt(r.cost_micros), calls: Number(r.calls) },
        ]),
      );
    }

    // Identical totals, cell by cell.
    const a = await viaCostService();
    const b = await viaEvents();
    const c = await viaOneRollupQuery();
    const compare = (x: Cells, y: Cells) => {
      let differ = 0;
      for (const key of new Set([...x.keys(), ...y.keys()])) {
        const [p, q] = [x.get(key), y.get(key)];
        if (!p || !q || p.cost !== q.cost || p.calls !== q.calls) differ += 1;
      }
      return differ;
    };
    const sum = (x: Cells) =>
      [...x.values()].reduce(
        (s, v) => ({ cost: s.cost + v.cost, calls: s.calls + v.calls }),
        { cost: 0n, calls: 0 },
      );
    const [ta, tb, tc] = [sum(a), sum(b), sum(c)];
    const differAB = compare(a, b);
    const differCB = compare(c, b);
    if (compare(await viaEventsTuned(), b) !== 0) {
      throw new Error('the tuned GROUP BY differs');
    }
    console.log(
      `  totals: CostService ${fmt(a.size)} cells, ${ta.cost} µ$, ${fmt(
        ta.calls,
      )} calls; raw GROUP BY ${fmt(b.size)} cells, ${tb.cost} µ$, ${fmt(
        tb.calls,
      )} calls; one rollup query ${fmt(c.size)} cells, ${tc.cost} µ$ — ${
        differAB === 0 && differCB === 0 && ta.cost === tb.cost
          ? 'identical in every cell'
          : `${differAB} / ${differCB} cells differ`
      }`,
    );
    if (differAB !== 0 || differCB !== 0 || ta.cost !== tb.cost) {
      throw new Error('the breakdown from the rollups is not the events’ sum');
    }

    // Timings (runs alternate so the machine's load falls on all three alike).
    for (let i = 0; i < WARM_UP; i++) {
      await viaCostService();
      await viaEvents();
      await viaOneRollupQuery();
    }
    const times = { a: [] as number[], b: [] as number[], c: [] as number[] };
    for (let i = 0; i < runs; i++) {
      times.a.push(await timed(viaCostService));
      times.b.push(await timed(viaEvents));
      times.c.push(await timed(viaOneRollupQuery));
    }
    await viaEventsTuned();
    const tuned: number[] = [];
    for (let i = 0; i < TUNED_RUNS; i++)
      tuned.push(await timed(viaEventsTuned));
    const pt = percentiles(tuned);
    const [pa, pb, pc] = [
      percentiles(times.a),
      percentiles(times.b),
      percentiles(times.c),
    ];
    const line = (label: string, p: ReturnType<typeof percentiles>) =>
      `  ${label.padEnd(58)} p50 ${ms(p.p50).padStart(10)}  p95 ${ms(
        p.p95,
      ).padStart(10)}  max ${ms(p.max).padStart(10)}`;
    console.log(`\n${runs} runs each (after ${WARM_UP} warm-up runs):`);
    console.log(
      line(
        `A. CostService.costs: by team, then ${
          a.size ? new Set([...a.keys()].map(k => k.split('|')[1])).size : 0
        } teams by model × day`,
        pa,
      ),
    );
    console.log(line('B. GROUP BY day, team, model over the raw events', pb));
    console.log(
      line(`B′. the same with work_mem 256MB (${TUNED_RUNS} runs)`, pt),
    );
    console.log(
      line('C. one rollup query by day, team, model (reference)', pc),
    );
    console.log(
      `  A p95 vs the 1 s goal: ${ms(pa.p95)} = ${(pa.p95 / GOAL_MS).toFixed(
        3,
      )} of it ${pa.p95 < GOAL_MS ? 'PASS' : 'FAIL'}`,
    );
    const r50 = pb.p50 / pa.p50;
    const r95 = pb.p95 / pa.p95;
    console.log(
      `  raw / A: p50 ${r50.toFixed(1)}×, p95 ${r95.toFixed(
        1,
      )}× faster (goal ≥ ${GOAL_RATIO}×: ${(
        Math.min(r50, r95) / GOAL_RATIO
      ).toFixed(2)}× the goal) ${
        Math.min(r50, r95) >= GOAL_RATIO ? 'PASS' : 'FAIL'
      }`,
    );
    console.log(
      `  raw with work_mem 256MB / A: p50 ${(pt.p50 / pa.p50).toFixed(
        1,
      )}×, p95 ${(pt.p95 / pa.p95).toFixed(1)}×`,
    );
    console.log(
      `  raw / C: p50 ${(pb.p50 / pc.p50).toFixed(1)}×, p95 ${(
        pb.p95 / pc.p95
      ).toFixed(1)}×; A / C p50 ${(pa.p50 / pc.p50).toFixed(1)}×`,
    );

    // The plans: one team's query as the store sends it, and the raw GROUP BY.
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (q: { sql: string; bindings: unknown[] }) => sent.push(q);
    db.on('query', listen);
    const oneTeam = [...a.keys()][0].split('|')[1];
    await costs.costs(
      { ...request, groupBy: 'model', team: oneTeam },
      credentials,
    );
    db.off('query', listen);
    for (const q of sent) {
      // The driver's $n placeholders back to knex's ? (in order).
      const plan = await db.raw(
        `EXPLAIN (ANALYZE, BUFFERS) ${q.sql.replace(/\$\d+/g, '?')}`,
        q.bindings as any,
      );
      console.log(`\nEXPLAIN ANALYZE (CostService, team ${oneTeam}): ${q.sql}`);
      for (const r of plan.rows) console.log(`  ${r['QUERY PLAN']}`);
    }
    const plan = await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${rawSql}`);
    console.log('\nEXPLAIN ANALYZE (raw GROUP BY):');
    for (const r of plan.rows) console.log(`  ${r['QUERY PLAN']}`);
  } finally {
    await db.destroy();
    if (!keep) await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
    else console.log(`kept database ${DATABASE}`);
    await admin.destroy();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);

// Ingest throughput of the AI costs API (issue 13) as a ratio to a raw batched insert of
// the same rows into the same database (goal ≥ 0.25×), on PostgreSQL and on SQLite:
//   npm run bench -- bench/ai-costs-ingest.ts [events] [postgres-url]
// The real plugin (ibiasAiCostsPlugin) runs in process on a loopback port
// (startTestBackend: mock auth and a catalog of the bench's 39 services; the database is a
// knex of the bench's own: a fresh PostgreSQL database ibias_bench_ai_ingest, dropped at
// the end, and a SQLite file in a temporary folder). [events] (default 200,000) events of
// 40 services, 8 teams and 6 models (bench/ai-costs-sample.ts) over the last 6 days go to
// POST /api/ibias-ai-costs/events in batches of 1,000, one request at a time on one
// keep-alive connection, as an external-access token of a service would send them: each
// batch validated (OpenAPI + the batch rules), attributed through the catalog, priced,
// inserted with ON CONFLICT DO NOTHING … RETURNING and added to the hourly and daily
// rollups in its transaction. The request bodies are serialised before the clock starts.
// Baseline: the rows the API recorded, read back, inserted into an identical table
// (PostgreSQL: LIKE … INCLUDING ALL; SQLite: the same CREATE statements), 1,000 rows a
// transaction in INSERTs of 500 rows (as the store chunks them), no dedup, no rollups.
// Prints events/s both ways and the ratio, then checks: every event recorded once, the
// rollups' calls and cost equal to the events', and a replay of 20 batches all duplicates.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knex as createKnex, type Knex } from 'knex';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ibiasAiCostsPlugin } from '../plugins/ibias-ai-costs-backend/src/plugin';
import { BENCH_PRICES, ENTITIES, generateEvents } from './ai-costs-sample';

const total = Number(process.argv[2] ?? 200_000);
const postgresUrl =
  process.argv[3] ??
  process.env.IBIAS_BENCH_POSTGRES ??
  'postgresql://postgres@127.0.0.1:5432';
const BATCH = 1000;
const GOAL = 0.25;
const DATABASE = 'ibias_bench_ai_ingest';
const API = '/api/ibias-ai-costs';
const REPLAYED_BATCHES = 20;
const DAY = 86_400_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(port: number, path: string, body: string, authorization: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization,
        },
      },
      res => {
        const parts: Buffer[] = [];
        res.on('data', c => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(parts).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const seconds = (start: bigint) =>
  Number(process.hrtime.bigint() - start) / 1e9;

async function measure(label: string, db: Knex) {
  const backend = await startTestBackend({
    features: [
      ibiasAiCostsPlugin,
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async () => {} }),
      }),
      catalogServiceMock.factory({ entities: ENTITIES as any }),
      mockServices.database.factory({ knex: db }),
      mockServices.rootConfig.factory({
        data: {
          ibias: {
            aiCosts: {
              prices: BENCH_PRICES,
              // No rate limit in the way: the bench measures the work, not the limiter.
              ingest: { batchesPerSecond: 1_000_000, burst: 1_000_000 },
            },
          },
        },
      }),
    ],
  });
  try {
    const address = backend.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const authorization = mockCredentials.service.header({
      onBehalfOf: mockCredentials.service('external:ai-gateway'),
      targetPluginId: 'ibias-ai-costs',
    });
    const now = Date.now();
    const events = generateEvents(total, {
      prefix: `bench-${label.toLowerCase()}`,
      from: now - 6 * DAY,
      to: now - 60_000,
      seed: 13,
    });
    const bodies: string[] = [];
    for (let i = 0; i < events.length; i += BATCH) {
      bodies.push(JSON.stringify({ events: events.slice(i, i + BATCH) }));
    }
    // Warm-up: one batch of other ids (the catalog lookups, the price book, the JIT).
    const warm = generateEvents(BATCH, {
      prefix: `warm-${label.toLowerCase()}`,
      from: now - 6 * DAY,
      to: now - 60_000,
      seed: 7,
    });
    const w = await post(
      port,
      `${API}/events`,
      JSON.stringify({ events: warm }),
      authorization,
    );
    if (w.status !== 200) throw new Error(`warm-up: ${w.status} ${w.body}`);
    await db('ibias_ai_usage_events').delete();
    await db('ibias_ai_usage_rollup').delete();

    const sqlTime = timeSql(db);
    let accepted = 0;
    let unpriced = 0;
    let unattributed = 0;
    const apiStart = process.hrtime.bigint();
    for (const body of bodies) {
      const res = await post(port, `${API}/events`, body, authorization);
      if (res.status !== 200) {
        throw new Error(`POST /events: ${res.status} ${res.body}`);
      }
      const result = JSON.parse(res.body);
      accepted += result.accepted;
      unpriced += result.unpriced;
      unattributed += result.unattributed;
    }
    const apiSeconds = seconds(apiStart);
    const apiSql = sqlTime.stop();
    if (accepted !== total) {
      throw new Error(`accepted ${accepted} of ${total}`);
    }

    // A replay: every id known, nothing written.
    let duplicates = 0;
    const replayStart = process.hrtime.bigint();
    for (const body of bodies.slice(0, REPLAYED_BATCHES)) {
      const res = await post(port, `${API}/events`, body, authorization);
      const result = JSON.parse(res.body);
      if (res.status !== 200 || result.accepted !== 0) {
        throw new Error(`replay: ${res.status} ${res.body}`);
      }
      duplicates += result.duplicates;
    }
    const replaySeconds = seconds(replayStart);

    // Checks: each event once; the rollups add up to the events.
    const [events_] = await db('ibias_ai_usage_events').select(
      db.raw('count(*) as n'),
      db.raw('coalesce(sum(cost_micros), 0) as cost'),
    );
    const sums = await db('ibias_ai_usage_rollup')
      .groupBy('period')
      .orderBy('period')
      .select(
        'period',
        db.raw('sum(calls) as calls'),
        db.raw('sum(cost_micros) as cost'),
        db.raw('count(*) as n'),
      );
    for (const s of sums) {
      if (
        Number(s.calls) !== Number(events_.n) ||
        String(s.cost) !== String(events_.cost)
      ) {
        throw new Error(
          `${s.period} rollups: ${s.calls} calls ${s.cost} µ$ vs events ${events_.n} / ${events_.cost}`,
        );
      }
    }

    // Baseline: the same rows, raw, into an identical table on the same database.
    const rows = await db('ibias_ai_usage_events').select('*');
    const byId = new Map(rows.map(r => [r.id, r]));
    const ordered = events.map(e => byId.get(e.id));
    await createIdenticalTable(db);
    const rawSqlTime = timeSql(db);
    const rawStart = process.hrtime.bigint();
    for (let i = 0; i < ordered.length; i += BATCH) {
      const batch = ordered.slice(i, i + BATCH);
      await db.transaction(async tx => {
        for (let j = 0; j < batch.length; j += 500) {
          await tx('bench_raw_usage_events').insert(batch.slice(j, j + 500));
        }
      });
    }
    const rawSeconds = seconds(rawStart);
    const rawSql = rawSqlTime.stop();
    const [raw] = await db('bench_raw_usage_events').count({ n: '*' });
    if (Number(raw.n) !== total) throw new Error(`raw table has ${raw.n}`);

    const apiRate = total / apiSeconds;
    const rawRate = total / rawSeconds;
    const ratio = apiRate / rawRate;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(`\n${label}: ${total.toLocaleString('en-US')} events`);
    console.log(
      `  API  POST /events (1,000 a batch):  ${apiSeconds.toFixed(2)} s  ${fmt(
        apiRate,
      )} events/s  (${unpriced} unpriced, ${unattributed} unattributed; rollup rows: ${sums
        .map(s => `${s.period} ${s.n}`)
        .join(', ')})`,
    );
    const share = (x: Record<string, number>) =>
      Object.entries(x)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(', ');
    console.log(
      `       of which SQL (statement sent → answer): ${share(
        apiSql,
      )}; the rest (HTTP, JSON, validation, attribution, pricing, rollupRows, commits) ${(
        apiSeconds - Object.values(apiSql).reduce((a, b) => a + b, 0)
      ).toFixed(2)} s`,
    );
    console.log(
      `  raw  batched INSERT, same rows:     ${rawSeconds.toFixed(2)} s  ${fmt(
        rawRate,
      )} events/s`,
    );
    console.log(`       of which SQL: ${share(rawSql)}`);
    console.log(
      `  ratio API / raw: ${ratio.toFixed(3)}×  (goal ≥ ${GOAL}: ${(
        ratio / GOAL
      ).toFixed(2)}× the goal) ${ratio >= GOAL ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `  replay of ${Math.min(
        REPLAYED_BATCHES,
        bodies.length,
      )} batches: ${duplicates} duplicates, 0 written, ${fmt(
        duplicates / replaySeconds,
      )} events/s; rollups = events (calls ${events_.n}, ${events_.cost} µ$)`,
    );
    return ratio;
  } finally {
    await backend.stop();
  }
}

/** Time spent in SQL statements (from sending one to its answer), by kind, until stop(). */
function timeSql(db: Knex) {
  const started = new Map<string, bigint>();
  const spent: Record<string, number> = {};
  const kind = (sql: string) => {
    const s = sql.toLowerCase();
    if (/^(begin|commit|rollback|savepoint|release)/.test(s))
      return 'begin/commit';
    if (s.includes('ibias_ai_usage_rollup')) return 'rollup upserts';
    if (s.includes('usage_events')) return 'event inserts';
    return 'other';
  };
  const onQuery = (q: { __knexQueryUid: string }) =>
    started.set(q.__knexQueryUid, process.hrtime.bigint());
  const onDone = (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
    const t = started.get(q.__knexQueryUid);
    if (t === undefined) return;
    started.delete(q.__knexQueryUid);
    const k = kind(q.sql);
    spent[k] = (spent[k] ?? 0) + Number(process.hrtime.bigint() - t) / 1e9;
  };
  db.on('query', onQuery);
  db.on('query-response', onDone);
  return {
    stop() {
      db.off('query', onQuery);
      db.off('query-response', onDone);
      return spent;
    },
  };
}

/** The events table again, with its keys and indexes, under another name. */
async function createIdenticalTable(db: Knex) {
  if (db.client.config.client === 'pg') {
    await db.raw(
      'CREATE TABLE bench_raw_usage_events (LIKE ibias_ai_usage_events INCLUDING ALL)',
    );
    return;
  }
  const statements = await db('sqlite_master')
    .where('tbl_name', 'ibias_ai_usage_events')
    .whereNotNull('sql')
    .orderByRaw("type = 'table' desc")
    .select('sql');
  for (const { sql } of statements) {
    await db.raw(
      String(sql)
        .replace(/ibias_ai_usage_events/g, 'bench_raw_usage_events')
        .replace(/`bench_raw_usage_events_(\w+)`/g, '`bench_raw_$1`'),
    );
  }
}

async function main() {
  console.log(
    `AI costs ingest: ${total.toLocaleString(
      'en-US',
    )} events through POST /events vs a raw batched insert (goal ≥ ${GOAL}×)`,
  );
  const ratios: Record<string, number> = {};
  const admin = createKnex({ client: 'pg', connection: postgresUrl });
  let pgReachable = true;
  try {
    await admin.raw('select 1');
  } catch (error) {
    pgReachable = false;
    console.log(`PostgreSQL skipped: ${(error as Error).message}`);
  }
  if (pgReachable) {
    await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await admin.raw(`CREATE DATABASE ${DATABASE}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${DATABASE}`;
    const pg = createKnex({ client: 'pg', connection: url.toString() });
    try {
      ratios.PostgreSQL = await measure('PostgreSQL', pg);
    } finally {
      await pg.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${DATABASE}`);
    }
  }
  await admin.destroy();

  const dir = mkdtempSync(join(tmpdir(), 'ibias-bench-ai-'));
  const sqlite = createKnex({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'ibias-ai-costs.sqlite') },
    useNullAsDefault: true,
  });
  try {
    ratios.SQLite = await measure('SQLite', sqlite);
  } finally {
    await sqlite.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nratio API / raw insert: ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${v.toFixed(3)}×`)
      .join(', ')} (goal ≥ ${GOAL}×)`,
  );
  agent.destroy();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);

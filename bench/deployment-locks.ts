// Lock-acquire latency of the deployments store, as a ratio to a plain `SELECT 1` on the
// same connection pool, on SQLite (the embedded default) and PostgreSQL (production):
//   npm run bench -- bench/deployment-locks.ts [rounds] [postgres-url] Each round acquires the lock of one service and environment
// (KnexDeploymentStore.create: the lock row and the deployment in one transaction),
// releases it with a terminal compare-and-set update, and times a `SELECT 1`. A second
// figure is a refused acquire (the lock is held): the 409 path. PostgreSQL is skipped
// with a message when it does not answer.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knex as createKnex, type Knex } from 'knex';
import { planSteps } from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../plugins/ibias-deployments-backend/src/database/KnexDeploymentStore';

const rounds = Number(process.argv[2] ?? 300);
const postgresUrl =
  process.argv[3] ??
  process.env.IBIAS_BENCH_POSTGRES ??
  'postgresql://postgres@127.0.0.1:5432';

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

async function timed(fn: () => Promise<unknown>) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measure(label: string, db: Knex) {
  const store = await KnexDeploymentStore.create({
    getClient: async () => db,
    migrations: { skip: false },
  });
  const entityRef = `component:default/bench-${randomUUID().slice(0, 8)}`;
  const request = (version: string) => ({
    entityRef,
    environment: 'staging' as const,
    version,
    previousVersion: null,
    strategy: 'blue-green' as const,
    status: 'queued' as const,
    steps: planSteps('blue-green'),
    initiatedBy: 'user:default/bench',
  });
  const acquire: number[] = [];
  const refuse: number[] = [];
  const select1: number[] = [];
  for (let i = 0; i < rounds + 20; i++) {
    let created: Awaited<ReturnType<typeof store.create>> | undefined;
    const a = await timed(async () => {
      created = await store.create(request(`1.0.${i}`));
    });
    const r = await timed(() =>
      store.create(request('9.9.9')).then(
        () => {
          throw new Error('a second acquire must be refused');
        },
        (e: Error) => {
          if (e.name !== 'ConflictError') throw e;
        },
      ),
    );
    const s = await timed(() => db.raw('select 1'));
    await store.update(created!.deployment.id, 0, {
      status: 'succeeded',
      finishedAt: new Date().toISOString(),
    });
    if (i >= 20) {
      acquire.push(a);
      refuse.push(r);
      select1.push(s);
    }
  }
  const base = percentiles(select1);
  const f = (n: number) => n.toFixed(2);
  for (const [what, times] of [
    ['acquire', acquire],
    ['refused', refuse],
  ] as const) {
    const p = percentiles(times);
    console.log(
      `${label.padEnd(10)} ${what} p50 ${f(p.p50)} ms, p95 ${f(
        p.p95,
      )} ms; SELECT 1 p50 ${f(base.p50)} ms, p95 ${f(
        base.p95,
      )} ms: ratio p50 ${f(p.p50 / base.p50)}×, p95 ${f(p.p95 / base.p95)}×`,
    );
  }
}

async function main() {
  console.log(`lock acquire vs SELECT 1, ${rounds} rounds each`);
  // A database file, as the embedded default keeps them (data/sqlite).
  const dir = mkdtempSync(join(tmpdir(), 'ibias-bench-'));
  const sqlite = createKnex({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'ibias-deployments.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await measure('SQLite', sqlite);
  } finally {
    await sqlite.destroy();
    rmSync(dir, { recursive: true, force: true });
  }

  const database = `ibias_bench_${Date.now()}`;
  const admin = createKnex({ client: 'pg', connection: postgresUrl });
  try {
    await admin.raw(`create database ${database}`);
  } catch (e) {
    console.log(`PostgreSQL  skipped: ${(e as Error).message}`);
    await admin.destroy();
    return;
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${database}`;
  const pg = createKnex({ client: 'pg', connection: url.toString() });
  try {
    await measure('PostgreSQL', pg);
  } finally {
    await pg.destroy();
    await admin.raw(`drop database ${database}`);
    await admin.destroy();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

// How long a deployment takes to end after its database comes back (issue 11), as a
// ratio to the sweep interval, on a PostgreSQL server of the bench's own
// (scripts/pg-fault-cluster.sh on port 5498; the machine's shared server is never
// stopped):
//   npm run bench -- bench/database-outage.ts [outage-seconds]
// A. Waited out: PostgreSQL stops right after a canary's first traffic shift; the
//    engine's writes retry (250 ms doubling to 5 s) and the deploy goes on.
// B. Given up: the same outage, with the engine's retry window (2 s) shorter than the
//    outage. The engine restores the previous version and stops; the sweep (every 5 s
//    here, lease 4 s) rolls the record back once PostgreSQL answers again.
// Each prints the time from PostgreSQL's return to the engine's first successful write
// and to the terminal state (A includes the rest of the canary: two shifts and their
// analyses), and the latter divided by the sweep interval.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { knex as createKnex } from 'knex';
import {
  DEFAULT_ANALYSIS_POLICY,
  isTerminal,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../plugins/ibias-deployments-backend/src/database/KnexDeploymentStore';
import { DeployEngine } from '../plugins/ibias-deployments-backend/src/engine/DeployEngine';
import { ScriptedTarget } from '../plugins/ibias-deployments-backend/src/testing/ScriptedTarget';

const outageMs = Number(process.argv[2] ?? 10) * 1000;
const SWEEP_MS = 5_000;
const LEASE_MS = 4_000;
const dir = mkdtempSync(join(tmpdir(), 'ibias-bench-pg-'));
const env = {
  ...process.env,
  IBIAS_FAULT_PG_DIR: dir,
  IBIAS_FAULT_PG_PORT: '5498',
};
const control = (what: string) =>
  execFileSync('bash', ['scripts/pg-fault-cluster.sh', what], {
    env,
    stdio: 'ignore',
  });
const quiet = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quiet,
} as never;

async function scenario(label: string, databaseRetryMs: number) {
  const db = createKnex({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: 5498,
      user: 'postgres',
      database: 'postgres',
    },
    pool: { min: 0, max: 4, acquireTimeoutMillis: 2_000 },
    log: { warn() {}, error() {}, debug() {}, deprecate() {} },
  });
  const store = await KnexDeploymentStore.create({
    getClient: async () => db,
    migrations: { skip: false },
  });
  const target = new ScriptedTarget();
  const engine = new DeployEngine({
    store,
    target,
    logger: quiet,
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 1,
      intervals: 1,
      consecutiveBreaches: 1,
      minSamples: 1,
    }),
    databaseRetryMs,
    leaseMs: LEASE_MS,
    heartbeatMs: LEASE_MS / 4,
  });
  engine.start();
  const sweeper = setInterval(
    () => void engine.sweep().catch(() => undefined),
    SWEEP_MS,
  );
  const deploy = async (version: string, previous: string | null) => {
    const { deployment } = await store.create({
      entityRef: `component:default/bench-${label.toLowerCase()}`,
      environment: 'staging',
      version,
      previousVersion: previous,
      strategy: 'canary',
      status: 'queued',
      steps: planSteps('canary'),
      initiatedBy: 'user:default/bench',
    });
    engine.submit(deployment.id);
    return deployment.id;
  };
  const first = await deploy('1.0.0', null);
  await engine.settled(first);

  let returnedAt = 0;
  let firstWriteAt = 0;
  const { update } = store;
  store.update = async (...args) => {
    const result = await update.apply(store, args);
    if (returnedAt && !firstWriteAt) firstWriteAt = Date.now();
    return result;
  };
  const { setTraffic } = target;
  let fired = false;
  target.setTraffic = async (...args) => {
    await setTraffic.apply(target, args);
    if (!fired && args[1] === '1.1.0') {
      fired = true;
      control('down');
      setTimeout(() => {
        control('up');
        returnedAt = Date.now();
      }, outageMs);
    }
  };
  const id = await deploy('1.1.0', '1.0.0');
  for (;;) {
    await new Promise(r => setTimeout(r, 100));
    if (!returnedAt) continue;
    const d = await store.get(id).catch(() => undefined);
    if (d && isTerminal(d.status)) {
      const ms = Date.now() - returnedAt;
      const firstWrite = ((firstWriteAt - returnedAt) / 1000).toFixed(1);
      console.log(
        `${label}: first write ${firstWrite} s, ${d.status} ${(
          ms / 1000
        ).toFixed(1)} s after PostgreSQL returned (outage ${
          outageMs / 1000
        } s); terminal / sweep interval ${SWEEP_MS / 1000} s = ${(
          ms / SWEEP_MS
        ).toFixed(2)}; live ${JSON.stringify(target.live)}`,
      );
      break;
    }
  }
  clearInterval(sweeper);
  engine.stop();
  await db.destroy();
}

async function main() {
  control('start');
  try {
    await scenario('A waited out', 5 * 60_000);
    await scenario('B given up, swept', 2_000);
  } finally {
    control('stop');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

/* eslint-disable no-console */
import { knex as createKnex } from 'knex';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../database/KnexDeploymentStore';
import { DeployEngine } from '../engine/DeployEngine';
import { ScriptedTarget } from './ScriptedTarget';

// A second backend replica, as a process of its own, for the fault stage: it starts a
// canary of IBIAS_REPLICA_VERSION on the fault stage's PostgreSQL, beats its heartbeat,
// and stays in the canary's first analysis (its metrics never answer) until the test
// kills it with SIGKILL. It prints one JSON line when the canary is in flight.
//   node --require @backstage/cli-node/config/nodeTransform.cjs engineProcess.ts

async function main() {
  const env = process.env;
  const db = createKnex({
    client: 'pg',
    connection: {
      host: '127.0.0.1',
      port: Number(env.IBIAS_FAULT_PG_PORT),
      user: 'postgres',
      database: 'postgres',
    },
    pool: { min: 0, max: 4 },
  });
  const store = await KnexDeploymentStore.create({
    getClient: async () => db,
    migrations: { skip: true },
  });
  const target = new ScriptedTarget();
  let inFlight: (() => void) | undefined;
  target.metrics = () =>
    new Promise(() => {
      inFlight?.();
    });
  const quiet = {
    error: console.error,
    warn: console.error,
    info() {},
    debug() {},
    child: () => quiet,
  };
  const engine = new DeployEngine({
    store,
    target,
    logger: quiet as never,
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 0.25,
    }),
    heartbeatMs: Number(env.IBIAS_REPLICA_HEARTBEAT_MS),
    leaseMs: Number(env.IBIAS_REPLICA_LEASE_MS),
  });
  engine.start();
  const { deployment } = await store.create({
    entityRef: 'component:default/ibias-api',
    environment: 'staging',
    version: env.IBIAS_REPLICA_VERSION!,
    previousVersion: env.IBIAS_REPLICA_PREVIOUS!,
    strategy: 'canary',
    status: 'queued',
    steps: planSteps('canary'),
    initiatedBy: 'user:default/guest',
  });
  await new Promise<void>(resolve => {
    inFlight = resolve;
    engine.submit(deployment.id);
  });
  console.log(
    JSON.stringify({
      id: deployment.id,
      owner: engine.instanceId,
      pid: process.pid,
    }),
  );
  // Alive until the test kills it, whatever timers the engine holds.
  setInterval(() => {}, 60_000);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});

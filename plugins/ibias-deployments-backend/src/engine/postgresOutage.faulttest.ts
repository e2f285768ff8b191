import { execFileSync, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import knexFactory, { type Knex } from 'knex';
// A test file the repository's Jest run leaves out (see above); lint takes it for code.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_ANALYSIS_POLICY,
  isTerminal,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../database/KnexDeploymentStore';
import { DeploymentService } from '../service/DeploymentService';
import { EnvironmentConfigReader } from '../service/EnvironmentConfigReader';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeployEngine } from './DeployEngine';
import { IBIAS_API_ENTITY } from '../testing/fixtures';

// The fault stage of `npm test` (scripts/test-all.sh, stage `faults`; not part of the
// repository's Jest run, which it would hold up for minutes). On a PostgreSQL server of
// its own (scripts/pg-fault-cluster.sh), a canary is deployed four times, and each time
// PostgreSQL is stopped for 30 seconds at one step boundary: after the new version
// starts, after a traffic shift, after an analysis reading, after the clean-up. Each
// deployment must be terminal within 2 minutes of PostgreSQL's return, with its lock
// free, one version serving, its history complete and its audit event closed. Then a
// second replica, a process of its own, is killed in the middle of a canary, and the
// surviving one takes the deployment over.

const PORT = Number(process.env.IBIAS_FAULT_PG_PORT);
// scripts/pg-fault-cluster.sh, which the stage passes in with the server's folder.
const CONTROL = process.env.IBIAS_FAULT_PG_CONTROL ?? '';
const OUTAGE_MS = Number(process.env.IBIAS_FAULT_OUTAGE_MS ?? 30_000);
const run = promisify(execFile);

jest.setTimeout(15 * 60_000);

const SERVICE = IBIAS_API_ENTITY;

let knex: Knex;
afterAll(async () => {
  await knex?.destroy();
});

describe('the deployments engine on a PostgreSQL that fails', () => {
  const timings: Record<string, number> = {};

  it('the fault stage has its own PostgreSQL', () => {
    expect(PORT).toBeGreaterThan(0);
    expect(CONTROL).toMatch(/pg-fault-cluster\.sh$/);
    execFileSync('bash', [CONTROL, 'up'], { stdio: 'ignore' }); // idempotent start
  });

  async function setup() {
    knex = knexFactory({
      client: 'pg',
      connection: {
        host: '127.0.0.1',
        port: PORT,
        user: 'postgres',
        database: 'postgres',
      },
      pool: { min: 0, max: 4, acquireTimeoutMillis: 5_000 },
    });
    const store = await KnexDeploymentStore.create({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    const target = new ScriptedTarget();
    const engine = new DeployEngine({
      store,
      target,
      logger: mockServices.logger.mock(),
      analysisPolicy: () => ({
        ...DEFAULT_ANALYSIS_POLICY,
        intervalSeconds: 1,
        intervals: 2,
        consecutiveBreaches: 2,
        minSamples: 1,
      }),
      databaseRetryMs: 5 * 60_000,
    });
    engine.start();
    const auditor = mockServices.auditor.mock();
    const service = new DeploymentService({
      store,
      engine,
      target,
      catalog: catalogServiceMock({ entities: [SERVICE] }),
      permissions: mockServices.permissions.mock({
        authorize: async reqs =>
          reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
      }),
      auditor,
      canaryWeights: [10, 50, 100],
      approvalTtlMinutes: 60,
      analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
      configReader: new EnvironmentConfigReader({
        urlReader: mockServices.urlReader.mock(),
        fileRoots: [],
      }),
    });
    return { store, target, engine, service, auditor };
  }

  let world: Awaited<ReturnType<typeof setup>>;
  const credentials = mockCredentials.user('user:default/guest');

  async function deploy(version: string) {
    const result = await world.service.create(
      {
        entityRef: 'component:default/ibias-api',
        environment: 'staging',
        version,
        strategy: 'canary',
      },
      { credentials },
    );
    if (result.dryRun) throw new Error('not a dry run');
    return result.deployment.id;
  }

  it('a first canary, without a fault, sets the scene', async () => {
    world = await setup();
    const id = await deploy('1.0.0');
    await world.engine.settled(id);
    expect((await world.store.get(id))?.status).toBe('succeeded');
  });

  // [what the boundary is, the target method after which PostgreSQL stops, the version]
  it.each([
    ['the new version started', 'deploy', '1.1.0'],
    ['a traffic shift', 'setTraffic', '1.2.0'],
    ['an analysis reading', 'metrics', '1.1.0'],
    ['the clean-up', 'retain', '1.2.0'],
  ] as const)(
    'after %s: terminal within 2 minutes of the return, lock free, one version serving, history and audit complete',
    async (boundary, method, version) => {
      const { store, target, engine, auditor } = world;
      const original = target[method].bind(target) as (
        ...a: unknown[]
      ) => Promise<unknown>;
      let back: Promise<number> | undefined;
      (target as unknown as Record<string, unknown>)[method] = async (
        ...args: unknown[]
      ) => {
        const result = await original(...args);
        // The first such call of this deployment's new version: PostgreSQL goes away.
        if (!back && args.includes(version)) {
          execFileSync('bash', [CONTROL, 'down'], { stdio: 'ignore' });
          back = new Promise<number>(resolve =>
            setTimeout(async () => {
              await run('bash', [CONTROL, 'up']);
              resolve(Date.now());
            }, OUTAGE_MS),
          );
        }
        return result;
      };
      try {
        auditor.createEvent.mockClear();
        const id = await deploy(version);
        await engine.settled(id);
        expect(back).toBeDefined();
        const returnedAt = await back!;
        // Terminal within 2 minutes of PostgreSQL's return.
        let d = await store.get(id);
        while (!isTerminal(d!.status) && Date.now() - returnedAt < 120_000) {
          await new Promise(r => setTimeout(r, 250));
          d = await store.get(id);
        }
        const terminalAt = Date.now();
        timings[boundary] = Math.max(0, terminalAt - returnedAt);
        expect(d!.status).toBe('succeeded');
        expect(terminalAt - returnedAt).toBeLessThan(120_000);
        // Its lock is free: the environment takes the next deploy.
        expect(await store.lockHolder(d!.entityRef, 'staging')).toBeUndefined();
        // One version serves, the one the record says.
        expect(target.live).toEqual({ [version]: 100 });
        expect((await store.environmentStates(d!.entityRef))[0].version).toBe(
          version,
        );
        // History complete: every step ended, the evidence of every analysis kept.
        expect(d!.steps.map(s => s.status)).toEqual(
          d!.steps.map(() => 'succeeded'),
        );
        expect(
          d!.evidence.filter(e => e.stepId.startsWith('analysis')).length,
        ).toBeGreaterThan(0);
        expect((await store.list({ limit: 1 })).items[0].id).toBe(id);
        // Audit: the deploy's event was opened and closed as a success.
        const event = auditor.createEvent.mock.results[0]?.value;
        expect(auditor.createEvent.mock.calls[0][0].eventId).toBe('deploy');
        expect((await event).success).toHaveBeenCalled();
      } finally {
        (target as unknown as Record<string, unknown>)[method] = original;
        await back;
      }
    },
  );

  it('two replicas on this database: one is killed (SIGKILL) in the middle of a canary; the other rolls it back within the lease and one sweep, and frees the lock', async () => {
    const { store, target } = world;
    const LEASE_MS = 3_000;
    const SWEEP_MS = 2_000;
    // The replica that survives: its own engine on the same database and target.
    const survivor = new DeployEngine({
      store,
      target,
      logger: mockServices.logger.mock(),
      analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
      heartbeatMs: LEASE_MS / 3,
      leaseMs: LEASE_MS,
    });
    survivor.start();
    const live = (await store.environmentStates())[0].version;
    const replica = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        require.resolve('../testing/engineProcess'),
      ],
      {
        env: {
          ...process.env,
          IBIAS_REPLICA_VERSION: '1.1.0',
          IBIAS_REPLICA_PREVIOUS: live,
          IBIAS_REPLICA_HEARTBEAT_MS: String(LEASE_MS / 3),
          IBIAS_REPLICA_LEASE_MS: String(LEASE_MS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const started = await new Promise<{ id: string; owner: string }>(
        (resolve, reject) => {
          let out = '';
          let err = '';
          replica.stdout!.on('data', d => {
            out += d;
            const line = out.split('\n').find(l => l.startsWith('{'));
            if (line) resolve(JSON.parse(line));
          });
          replica.stderr!.on('data', d => {
            err += d;
          });
          replica.on('exit', code =>
            reject(
              new Error(`the replica exited (${code}): ${err.slice(-500)}`),
            ),
          );
          setTimeout(
            () => reject(new Error('the replica did not start')),
            90_000,
          );
        },
      );
      const owned = (await store.get(started.id))!;
      expect(owned.status).toBe('running');
      expect(owned.ownerId).toBe(started.owner);
      // It beats its heartbeat while it lives.
      await new Promise(r => setTimeout(r, LEASE_MS));
      const beaten = (await store.get(started.id))!;
      expect(beaten.heartbeatAt! > owned.heartbeatAt!).toBe(true);
      expect(await survivor.sweep()).toEqual({ started: [], rolledBack: [] });

      // Both replicas drive one target in production (a cluster): what the killed one
      // did to the traffic is put on the survivor's target too, so the rollback must
      // undo it.
      target.live = { '1.1.0': 10, [live]: 90 };
      replica.kill('SIGKILL');
      const killedAt = Date.now();
      let rolledBack: string[] = [];
      while (
        !rolledBack.includes(started.id) &&
        Date.now() - killedAt < 60_000
      ) {
        await new Promise(r => setTimeout(r, SWEEP_MS));
        ({ rolledBack } = await survivor.sweep());
      }
      const tookOver = Date.now() - killedAt;
      timings['a replica killed: taken over after'] = tookOver;
      expect(rolledBack).toContain(started.id);
      // The lease (from the last beat before the kill) and at most one sweep after it.
      // A sweep notices the last heartbeat at most one sweep after it, and claims once
      // it has seen it unchanged for a lease: lease + two sweeps, and slack.
      expect(tookOver).toBeLessThanOrEqual(LEASE_MS + 2 * SWEEP_MS + 2_000);
      await survivor.settled(started.id);
      const d = (await store.get(started.id))!;
      expect(d.status).toBe('rolled_back');
      expect(d.reason).toMatch(/no heartbeat for \d+ s/);
      expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
      expect(target.live).toEqual({ [live]: 100 });
      expect(d.steps.some(s => s.status === 'running')).toBe(false);
    } finally {
      replica.kill('SIGKILL');
      survivor.stop();
    }
  });

  it('reports how long each recovery took', () => {
    // Read by the stage's log (and by bench/database-outage.ts's note in the README).
    // eslint-disable-next-line no-console
    console.log(
      `fault timings (ms from PostgreSQL's return to terminal): ${JSON.stringify(
        timings,
      )}`,
    );
    expect(Object.keys(timings)).toHaveLength(5);
    world.engine.stop();
  });
});

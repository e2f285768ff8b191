import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../database/KnexDeploymentStore';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeployEngine } from './DeployEngine';

// Two backend replicas sharing one database (issue 11). The database keeps them from
// running one deployment twice or two deployments in one environment, and work in flight
// is owned there with a heartbeat: a replica that starts up leaves a live replica's
// deployment alone, and takes over (rolls back, frees the lock) one whose replica died.

jest.setTimeout(60_000);

/** Short, so the tests wait a lease out quickly; the plugin's default is 30 s. */
const LEASE_MS = 1000;
const engines: DeployEngine[] = [];
afterEach(() => {
  engines.splice(0).forEach(e => e.stop());
});

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

describe.each(databases.eachSupportedId())('two engines on one %s', id => {
  async function replicas() {
    const knex = await databases.init(id);
    const storeOf = () =>
      KnexDeploymentStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
    // One target: both replicas drive the same environment.
    const target = new ScriptedTarget();
    const engineOf = async (gate?: Promise<void>) => {
      const store = await storeOf();
      const engine = new DeployEngine({
        store,
        target,
        logger: mockServices.logger.mock(),
        heartbeatMs: LEASE_MS / 4,
        leaseMs: LEASE_MS,
        analysisPolicy: () => ({
          ...DEFAULT_ANALYSIS_POLICY,
          intervalSeconds: 0.01,
          intervals: 1,
          consecutiveBreaches: 1,
          minSamples: 1,
        }),
        // The first replica's analysis waits on the gate, so it is mid-deploy when the
        // second replica starts.
        sleep: async () => gate,
      });
      engine.start();
      engines.push(engine);
      return { store, engine };
    };
    return { target, engineOf };
  }

  const queued = (version: string, previousVersion: string | null) => ({
    entityRef: 'component:default/ibias-api',
    environment: 'staging' as const,
    version,
    previousVersion,
    strategy: 'canary' as const,
    status: 'queued' as const,
    steps: planSteps('canary'),
    initiatedBy: 'user:default/guest',
  });

  it('a queued deployment submitted to both replicas runs once', async () => {
    const { target, engineOf } = await replicas();
    const a = await engineOf();
    const b = await engineOf();
    const { deployment } = await a.store.create(queued('1.0.0', null));
    a.engine.submit(deployment.id);
    b.engine.submit(deployment.id);
    await Promise.all([
      a.engine.settled(deployment.id),
      b.engine.settled(deployment.id),
    ]);
    expect((await a.store.get(deployment.id))?.status).toBe('succeeded');
    expect(target.calls.filter(c => c === 'deploy 1.0.0')).toHaveLength(1);
  });

  it('the shared lock refuses a second deployment of the environment on the other replica', async () => {
    const { engineOf } = await replicas();
    const a = await engineOf();
    const b = await engineOf();
    const { deployment } = await a.store.create(queued('1.0.0', null));
    await expect(b.store.create(queued('1.1.0', null))).rejects.toThrow(
      `locked by deployment ${deployment.id}`,
    );
  });

  /** A canary of 1.1.0 over 1.0.0, held mid-analysis on `slow` by the gate. */
  async function midDeploy() {
    const { target, engineOf } = await replicas();
    const a = await engineOf();
    const first = await a.store.create(queued('1.0.0', null));
    a.engine.submit(first.deployment.id);
    await a.engine.settled(first.deployment.id);
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const slow = await engineOf(gate);
    const { deployment } = await slow.store.create(queued('1.1.0', '1.0.0'));
    slow.engine.submit(deployment.id);
    for (let i = 0; i < 100; i++) {
      if (target.calls.includes('traffic 1.1.0=10')) break;
      await new Promise(r => setTimeout(r, 20));
    }
    expect((await a.store.get(deployment.id))?.status).toBe('running');
    return { target, engineOf, a, slow, deployment, release };
  }

  it("a replica that starts up leaves a live replica's deployment alone", async () => {
    const { engineOf, a, slow, deployment, release } = await midDeploy();
    const b = await engineOf();
    await b.engine.recover();
    // Longer than the lease: the owner's heartbeat keeps it its own.
    await new Promise(r => setTimeout(r, LEASE_MS * 2));
    expect(await b.engine.sweep()).toEqual({ started: [], rolledBack: [] });
    expect(b.engine.isRunning(deployment.id)).toBe(false);
    const owned = await a.store.get(deployment.id);
    expect(owned?.ownerId).toBe(slow.engine.instanceId);
    release();
    await slow.engine.settled(deployment.id);
    expect((await a.store.get(deployment.id))?.status).toBe('succeeded');
  });

  it('an owner silent for longer than the lease (its database away) keeps its deployment when it beats again before the claim', async () => {
    const { engineOf, a, slow, deployment, release } = await midDeploy();
    const b = await engineOf();
    slow.engine.stop(); // no heartbeats: as while its database does not answer
    await b.engine.sweep(); // b sees it...
    await new Promise(r => setTimeout(r, LEASE_MS * 1.5));
    // ...but the owner beats again (its database is back) before b's next sweep.
    await slow.engine.beat();
    expect(await b.engine.sweep()).toEqual({ started: [], rolledBack: [] });
    release();
    await slow.engine.settled(deployment.id);
    expect((await a.store.get(deployment.id))?.status).toBe('succeeded');
  });

  it('an abort asked on another replica reaches the owner at its next heartbeat: previous version back, aborted', async () => {
    const { target, a, slow, deployment, release } = await midDeploy();
    expect(await a.store.requestAbort(deployment.id, 'user:default/ops')).toBe(
      true,
    );
    await slow.engine.beat();
    release();
    await slow.engine.settled(deployment.id);
    const d = await a.store.get(deployment.id);
    expect(d?.status).toBe('aborted');
    expect(target.live).toEqual({ '1.0.0': 100 });
    expect(await a.store.lockHolder(deployment.entityRef, 'staging')).toBe(
      undefined,
    );
  });

  it('a replica killed in the middle of a deploy: the other rolls it back within the lease and a sweep, and frees the lock', async () => {
    const { target, engineOf, a, slow, deployment, release } =
      await midDeploy();
    const b = await engineOf();
    // The replica dies: no more heartbeats, and its deploy never goes on (the gate
    // stays shut).
    slow.engine.stop();
    const killedAt = Date.now();
    let rolledBack: string[] = [];
    while (rolledBack.length === 0 && Date.now() - killedAt < LEASE_MS * 10) {
      await new Promise(r => setTimeout(r, LEASE_MS / 4));
      ({ rolledBack } = await b.engine.sweep());
    }
    const tookOver = Date.now() - killedAt;
    expect(rolledBack).toEqual([deployment.id]);
    // Not before the lease, and within the lease and one sweep of it.
    expect(tookOver).toBeGreaterThanOrEqual(LEASE_MS / 2);
    expect(tookOver).toBeLessThan(LEASE_MS * 3);
    await b.engine.settled(deployment.id);
    const taken = await a.store.get(deployment.id);
    expect(taken?.status).toBe('rolled_back');
    expect(taken?.reason).toMatch(/no heartbeat for \d+ s/);
    expect(await a.store.lockHolder(deployment.entityRef, 'staging')).toBe(
      undefined,
    );
    expect(target.live).toEqual({ '1.0.0': 100 });

    // Had it only been frozen, not dead: once it runs again it hears at its heartbeat
    // that it lost the deployment, and touches the target no more.
    const callsBefore = target.calls.length;
    await slow.engine.beat();
    release();
    await slow.engine.settled(deployment.id);
    expect(target.calls.slice(callsBefore)).toEqual([]);
    expect(target.live).toEqual({ '1.0.0': 100 });
    expect((await a.store.get(deployment.id))?.status).toBe('rolled_back');
  });
});

import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { KnexDeploymentStore } from '../database/KnexDeploymentStore';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeployEngine } from './DeployEngine';

// What two backend replicas sharing one database do today. The README says the engine
// assumes ONE backend instance; these tests show why: the database keeps the two from
// running one deployment twice or two deployments in one environment, but the in-flight
// work belongs to no one in the database (no heartbeat yet, issue 11), so a replica that
// starts up takes another replica's running deployment for an interrupted one.

jest.setTimeout(60_000);

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
      return {
        store,
        engine: new DeployEngine({
          store,
          target,
          logger: mockServices.logger.mock(),
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
        }),
      };
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

  it("a replica that starts up rolls back the other replica's running deployment: one instance only", async () => {
    const { target, engineOf } = await replicas();
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const a = await engineOf();
    const first = await a.store.create(queued('1.0.0', null));
    a.engine.submit(first.deployment.id);
    await a.engine.settled(first.deployment.id);

    const slow = await engineOf(gate);
    const { deployment } = await slow.store.create(queued('1.1.0', '1.0.0'));
    slow.engine.submit(deployment.id);
    for (let i = 0; i < 100; i++) {
      if (target.calls.includes('traffic 1.1.0=10')) break;
      await new Promise(r => setTimeout(r, 20));
    }
    expect((await a.store.get(deployment.id))?.status).toBe('running');

    // Replica b starts while `slow` is still analysing its canary.
    const b = await engineOf();
    await b.engine.recover();
    await b.engine.settled(deployment.id);
    const taken = await a.store.get(deployment.id);
    expect(taken?.status).toBe('rolled_back');
    expect(taken?.reason).toMatch(/backend restarted during the deploy/);
    expect(target.live).toEqual({ '1.0.0': 100 });

    // The replica that owned it finds out only at its next write, and stops.
    release();
    await slow.engine.settled(deployment.id);
    expect((await a.store.get(deployment.id))?.status).toBe('rolled_back');
    expect(target.live).toEqual({ '1.0.0': 100 });
  });
});

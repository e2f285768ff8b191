import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeployEngine } from './DeployEngine';
import { testStore } from '../testing/testStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function setup(stepTimeoutMs?: number, leaseMs?: number) {
  const store = await testStore(databases);
  const target = new ScriptedTarget();
  const engine = new DeployEngine({
    stepTimeoutMs,
    leaseMs,
    heartbeatMs: leaseMs && leaseMs / 2,
    store,
    target,
    logger: mockServices.logger.mock(),
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 0.25,
      intervals: 2,
      consecutiveBreaches: 2,
      minSamples: 10,
    }),
    sleep: async () => {},
  });
  const deploy = async (
    version: string,
    strategy: Strategy,
    previousVersion: string | null,
  ) => {
    const { deployment } = await store.create({
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      version,
      previousVersion,
      strategy,
      status: 'queued',
      steps: planSteps(strategy),
      initiatedBy: 'user:default/guest',
    });
    engine.submit(deployment.id);
    await engine.settled(deployment.id);
    return (await store.get(deployment.id))!;
  };
  return { store, target, engine, deploy };
}

describe('DeployEngine with a target call that hangs', () => {
  it('a hung health check fails the step, rolls back to the previous version and frees the lock', async () => {
    const { store, target, deploy } = await setup(150);
    await deploy('1.0.0', 'blue-green', null);
    target.hang.add('healthChecks');
    const started = Date.now();
    const d = await deploy('1.1.0', 'canary', '1.0.0');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toBe(
      'healthChecks on the scripted target did not finish within 150 ms',
    );
    expect(d.steps.find(s => s.id === 'health')).toMatchObject({
      status: 'failed',
    });
    expect(target.live).toEqual({ '1.0.0': 100 });
    expect([...target.running]).toEqual(['1.0.0']);
    expect((await store.environmentStates())[0].version).toBe('1.0.0');
    expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
  });

  it('when restoring hangs too, the deployment still ends and frees the lock, saying so', async () => {
    const { store, target, deploy } = await setup(100);
    await deploy('1.0.0', 'blue-green', null);
    target.hang.add('deploy');
    const d = await deploy('1.1.0', 'blue-green', '1.0.0');
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(
      /^deploy on the scripted target did not finish within 100 ms; restoring 1\.0\.0 failed: .*did not finish within 100 ms/,
    );
    expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
    // The next deploy is accepted.
    target.hang.clear();
    const next = await deploy('1.1.0', 'blue-green', '1.0.0');
    expect(next.status).toBe('succeeded');
  });
});

describe('DeployEngine', () => {
  it('blue-green: deploys, checks, switches, monitors, cleans up and records what runs', async () => {
    const { store, target, deploy } = await setup();
    const d = await deploy('1.1.0', 'blue-green', null);
    expect(d.status).toBe('succeeded');
    expect(d.steps.map(s => s.status)).toEqual(Array(6).fill('succeeded'));
    expect(target.calls).toEqual([
      'deploy 1.1.0',
      'traffic 1.1.0=100',
      'retain 1.1.0',
    ]);
    expect(d.evidence.map(e => `${e.stepId}:${e.check}:${e.verdict}`)).toEqual([
      'health:health:pass',
      'smoke:smoke:pass',
      'monitor:error-rate:pass',
      'monitor:p95-latency:pass',
      'monitor:error-rate:pass',
      'monitor:p95-latency:pass',
    ]);
    expect(await store.environmentStates()).toMatchObject([
      { environment: 'staging', version: '1.1.0', strategy: 'blue-green' },
    ]);
    expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
  });

  it('canary with 20 % errors rolls back at the first analysis, with the error rate as evidence', async () => {
    const { store, target, deploy } = await setup();
    await deploy('1.1.0', 'blue-green', null);
    target.calls = [];
    target.metricsOf['1.2.0'] = { requests: 40, errors: 8, p95Ms: 80 };
    const d = await deploy('1.2.0', 'canary', '1.1.0');
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(
      /Rollback trigger: error rate 20\.0% > 5% for 2 consecutive interval\(s\)/,
    );
    const failing = d.evidence.filter(e => e.verdict === 'fail');
    expect(failing).toEqual([
      expect.objectContaining({
        check: 'error-rate',
        stepId: 'analysis-10',
        value: 0.2,
        threshold: 0.05,
        samples: 40,
        consecutiveBreaches: 1,
      }),
      expect.objectContaining({ check: 'error-rate', consecutiveBreaches: 2 }),
    ]);
    expect(d.steps.find(s => s.id === 'analysis-10')?.status).toBe('failed');
    expect(d.steps.find(s => s.id === 'traffic-50')?.status).toBe('skipped');
    // Traffic went 10 % to the canary, then back to 1.1.0 alone.
    expect(target.calls).toEqual([
      'deploy 1.2.0',
      'traffic 1.2.0=10',
      'deploy 1.1.0',
      'traffic 1.1.0=100',
      'retain 1.1.0',
    ]);
    expect(target.live).toEqual({ '1.1.0': 100 });
    expect((await store.environmentStates())[0].version).toBe('1.1.0');
  });

  it('no traffic is inconclusive and never promotes', async () => {
    const { target, deploy } = await setup();
    target.metricsOf['1.1.0'] = { requests: 0, errors: 0, p95Ms: null };
    const d = await deploy('1.1.0', 'canary', null);
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(/inconclusive/);
    expect(target.running.size).toBe(0);
  });

  it('a metrics source that does not answer (Prometheus down or slow) is inconclusive, says why, and never promotes', async () => {
    const { target, deploy } = await setup();
    await deploy('1.0.0', 'blue-green', null);
    target.metricsOf['1.1.0'] = {
      requests: 0,
      errors: 0,
      p95Ms: null,
      detail: 'Prometheus did not answer within 5 s',
    } as (typeof target.metricsOf)[string];
    const d = await deploy('1.1.0', 'canary', '1.0.0');
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(/^Analysis inconclusive/);
    const analysis = d.evidence.filter(e => e.stepId.startsWith('analysis'));
    expect(analysis.length).toBeGreaterThan(0);
    expect(analysis.every(e => e.verdict === 'inconclusive')).toBe(true);
    expect(analysis[0].detail).toBe('Prometheus did not answer within 5 s');
    expect(target.live).toEqual({ '1.0.0': 100 });
  });

  it('slow p95 rolls back during monitoring', async () => {
    const { target, deploy } = await setup();
    await deploy('1.0.0', 'blue-green', null);
    target.metricsOf['1.1.0'] = { requests: 50, errors: 0, p95Ms: 3200 };
    const d = await deploy('1.1.0', 'rolling', '1.0.0');
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(/p95 3200 ms > 2000 ms/);
    expect(target.live).toEqual({ '1.0.0': 100 });
  });

  it.each([
    ['health', 'Health check failed: GET /health (500)'],
    ['smoke', 'Smoke test failed: GET /metrics (500)'],
  ] as const)(
    'a failing %s check rolls back before any traffic moves',
    async (kind, reason) => {
      const { target, deploy } = await setup();
      await deploy('1.0.0', 'blue-green', null);
      target.calls = [];
      (kind === 'health' ? target.healthCheck : target.smoke)['1.1.0'] = false;
      const d = await deploy('1.1.0', 'blue-green', '1.0.0');
      expect(d.status).toBe('rolled_back');
      expect(d.reason).toBe(reason);
      expect(target.calls.filter(c => c.startsWith('traffic 1.1.0'))).toEqual(
        [],
      );
      expect(target.live).toEqual({ '1.0.0': 100 });
    },
  );

  it('an error in a step fails the deployment and keeps the previous version', async () => {
    const { store, target, deploy } = await setup();
    await deploy('1.0.0', 'blue-green', null);
    target.deployError = 'image pull failed';
    const d = await deploy('1.1.0', 'blue-green', '1.0.0');
    expect(d.status).toBe('failed');
    expect(d.reason).toMatch(/image pull failed/);
    expect((await store.environmentStates())[0].version).toBe('1.0.0');
    expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
  });

  it('after a restart, a deployment left running is rolled back (once its lease is over) and its lock freed', async () => {
    const { store, target, engine } = await setup(undefined, 100);
    const { deployment } = await store.create({
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      version: '1.2.0',
      previousVersion: '1.1.0',
      strategy: 'canary',
      status: 'queued',
      steps: planSteps('canary'),
      initiatedBy: 'user:default/guest',
    });
    // As if a previous backend had started it and died mid-canary.
    const running = await store.update(deployment.id, 0, {
      status: 'running',
      ownerId: 'the-engine-of-a-backend-that-died',
      steps: planSteps('canary').map((s, i) => {
        if (i < 3) return { ...s, status: 'succeeded' };
        return i === 3 ? { ...s, status: 'running' } : s;
      }),
    });
    expect(running?.status).toBe('running');
    // Within the lease nobody takes it over: its engine may still be alive.
    await engine.recover();
    expect(engine.isRunning(deployment.id)).toBe(false);
    expect((await store.get(deployment.id))?.status).toBe('running');
    await new Promise(r => setTimeout(r, 150));
    await engine.recover();
    await engine.settled(deployment.id);
    const d = (await store.get(deployment.id))!;
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(
      /^Its engine stopped working on it \(no heartbeat for \d+ s: .*\); 1\.1\.0 is live again$/,
    );
    expect(d.steps[3].status).toBe('failed');
    expect(target.live).toEqual({ '1.1.0': 100 });
    expect(await store.lockHolder(d.entityRef, 'staging')).toBeUndefined();
  });

  it('an abort during analysis restores the previous version and ends aborted', async () => {
    const { store, target } = await setup();
    const slowEngine = new DeployEngine({
      store,
      target,
      logger: mockServices.logger.mock(),
      analysisPolicy: () => ({
        ...DEFAULT_ANALYSIS_POLICY,
        intervalSeconds: 60,
      }),
      sleep: ms => new Promise(r => setTimeout(r, ms / 50)),
    });
    const { deployment } = await store.create({
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      version: '1.1.0',
      previousVersion: null,
      strategy: 'canary',
      status: 'queued',
      steps: planSteps('canary'),
      initiatedBy: 'user:default/guest',
    });
    slowEngine.submit(deployment.id);
    for (let i = 0; i < 100; i++) {
      const d = await store.get(deployment.id);
      if (d?.steps.find(s => s.id === 'analysis-10')?.status === 'running')
        break;
      await new Promise(r => setTimeout(r, 20));
    }
    expect(slowEngine.requestAbort(deployment.id)).toBe(true);
    await slowEngine.settled(deployment.id);
    const d = (await store.get(deployment.id))!;
    expect(d.status).toBe('aborted');
    expect(d.reason).toBe('Aborted by request');
    expect(target.running.size).toBe(0);
  });
});

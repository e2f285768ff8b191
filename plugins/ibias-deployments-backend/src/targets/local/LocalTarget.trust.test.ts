import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { processIdentity } from '@internal/ibias-service-runner';
import {
  DEFAULT_ANALYSIS_POLICY,
  planSteps,
} from '@internal/plugin-ibias-deployments-common';
import { DeployEngine, targetRef } from '../../engine/DeployEngine';
import { testStore } from '../../testing/testStore';
import {
  git,
  writeTinyReleasePatch,
  writeTinyService,
} from '../../testing/tinyService';
import { LocalTarget } from './LocalTarget';

// The local target's trust boundaries with real processes (issue 8): one entity's router
// and processes are never another's; a rollback never stops what its deployment did not
// start; orphans are reaped only when provably ours; builds and samples never see the
// portal's secrets.
jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const SECRETS = {
  GITHUB_TOKEN: 'ghp_portal_token',
  AUTH_GITHUB_CLIENT_SECRET: 'portal-oauth-secret',
  POSTGRES_PASSWORD: 'portal-db-password',
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise(r => child.once('exit', r));

describe('LocalTarget trust boundaries', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-local-trust-'));
  // A sample (no catalog needed) whose 1.1.0 is made faulty by config: extra settings
  // per release still reach the started release.
  writeTinyService(path.join(dir, 'services', 'tiny'));
  writeTinyReleasePatch(path.join(dir, 'releases', 'tiny'), '1.0.0', '1.1.0');
  const sampleRepo = path.join(dir, 'work', 'sample-repos', 'tiny');
  const saved: Record<string, string | undefined> = {};
  let target: LocalTarget;
  const options = {
    workDir: path.join(dir, 'work'),
    samples: {
      names: ['tiny'],
      servicesDir: path.join(dir, 'services'),
      releasesDir: path.join(dir, 'releases'),
    },
    releases: {
      tiny: { '1.1.0': { env: { FAIL: '1' } } },
    },
    load: {
      development: { rps: 40, method: 'GET', path: '/api/v1/echo' },
    },
    serviceEnv: { tiny: { AI_MODEL: 'gpt-4o' } },
    usageReporting: {
      portalUrl: 'http://portal.test',
      keyFor: (entityRef: string) => `key-of:${entityRef}`,
    },
    logger: mockServices.logger.mock(),
    probeTimeoutMs: 2000,
  };
  const ref = targetRef({
    entityRef: 'component:default/tiny',
    environment: 'development',
  });
  const others = [
    'resource:default/tiny',
    'component:other/tiny',
    'Component:Other/TINY',
  ].map(entityRef => ({
    label: entityRef,
    ref: targetRef({ entityRef, environment: 'development' }),
  }));

  beforeAll(async () => {
    // The portal's own secrets, as production sets them.
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    target = new LocalTarget(options);
    await target.prepareSamples();
    await target.deploy(ref, '1.0.0');
    await target.setTraffic(ref, '1.0.0', 100, null);
  });

  afterAll(async () => {
    await target?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pidOf = async (r = ref) => {
    const res = await fetch(`${target.url(r)}/api/v1/echo`);
    return ((await res.json()) as { pid: number }).pid;
  };

  it('the build and a started sample see none of the portal’s secrets', async () => {
    const buildEnv = JSON.parse(
      fs.readFileSync(
        path.join(
          dir,
          'work',
          'builds',
          'tiny',
          git(sampleRepo, 'rev-parse', '1.0.0^{commit}'),
          'dist',
          'build-env.json',
        ),
        'utf8',
      ),
    );
    const sampleEnv = await (
      await fetch(`${target.endpoints(ref)[0].url}/env`)
    ).json();
    for (const seen of [buildEnv, sampleEnv]) {
      for (const [key, value] of Object.entries(SECRETS)) {
        expect({ key, seen: seen[key] }).toEqual({ key, seen: undefined });
        expect(Object.values(seen)).not.toContain(value);
      }
      expect(seen.PATH).toContain(process.env.PATH);
    }
    // The sample still gets its own settings, and a usage key for itself only (not a
    // secret of the portal's: it reports that one entity's AI usage).
    expect(sampleEnv).toMatchObject({
      SERVICE_VERSION: '1.0.0',
      NODE_ENV: 'development',
      AI_MODEL: 'gpt-4o',
      IBIAS_ENTITY_REF: 'component:default/tiny',
      IBIAS_PORTAL_URL: 'http://portal.test',
      IBIAS_AI_USAGE_KEY: 'key-of:component:default/tiny',
    });
  });

  it('names what to do for a component with no repository and no sample', async () => {
    expect(
      await target.cannotDeploy({
        service: 'unknown-svc',
        entityRef: 'component:default/unknown-svc',
        environment: 'development',
      }),
    ).toBe(
      'The local target has no releases for component:default/unknown-svc: it is neither a service created in the portal (a git repository unknown-svc in ibias.scaffolder.localReposDir, read into the catalog) nor a sample (ibias.deployments.local.samples). Create services with an IBIAS template (Create → IBIAS service), or add unknown-svc to ibias.deployments.local.samples',
    );
  });

  it.each(others.map(o => [o.label, o.ref]))(
    '%s has no releases, no router and cannot touch component:default/tiny',
    async (_l, other) => {
      const pid = await pidOf();
      expect(await target.versions(other)).toEqual([]);
      expect(await target.cannotDeploy(other)).toMatch(
        /^The local target has no releases for .*: it deploys Components of the default namespace only$/i,
      );
      await expect(target.deploy(other, '1.0.0')).rejects.toThrow(
        /has no releases for/,
      );
      expect(target.url(other)).toBeUndefined();
      expect(await target.traffic(other)).toEqual({});
      expect(target.endpoints(other)).toEqual([]);
      // Rollback and cleanup calls on the other entity stop nothing of this one.
      await target.retain(other, null);
      await target.setLoad(other, false);
      expect(await pidOf()).toBe(pid);
      expect(alive(pid)).toBe(true);
      expect(await target.traffic(ref)).toEqual({ '1.0.0': 100 });
    },
  );

  it('the registry records process identities, keyed by entity ref', async () => {
    const registry = JSON.parse(
      fs.readFileSync(path.join(dir, 'work', 'processes.json'), 'utf8'),
    );
    expect(registry).toEqual([
      {
        entityRef: 'component:default/tiny',
        environment: 'development',
        version: '1.0.0',
        identity: await processIdentity(await pidOf()),
      },
    ]);
  });

  it('a sample that hangs (stopped with SIGSTOP): its probes time out within the probe timeout and fail, never hang (issue 11)', async () => {
    const pid = await pidOf();
    process.kill(pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const [health, smoke] = await Promise.all([
        target.healthChecks(ref, '1.0.0'),
        target.smokeTests(ref, '1.0.0'),
      ]);
      const took = Date.now() - started;
      expect(health.length).toBeGreaterThan(0);
      expect(health.every(r => !r.passed)).toBe(true);
      expect(smoke.every(r => !r.passed)).toBe(true);
      expect(health[0].detail).toBe('/health did not answer within 2 s');
      // Every probe is bounded by probeTimeoutMs (2 s here), whatever their number.
      expect(took).toBeLessThan(2_000 * (health.length + smoke.length) + 2_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // Resumed, it answers again.
    const again = await target.healthChecks(ref, '1.0.0');
    expect(again.every(r => r.passed)).toBe(true);
  });

  it('a rolled-back canary never stops the stable version: same pid, serving throughout', async () => {
    const store = await testStore(databases);
    const engine = new DeployEngine({
      store,
      target,
      logger: mockServices.logger.mock(),
      analysisPolicy: () => ({
        ...DEFAULT_ANALYSIS_POLICY,
        intervalSeconds: 1,
        intervals: 2,
        consecutiveBreaches: 1,
        minSamples: 3,
      }),
      stepTimeoutMs: 60_000,
    });
    const stablePid = await pidOf();
    const { deployment } = await store.create({
      entityRef: 'component:default/tiny',
      environment: 'development',
      version: '1.1.0',
      previousVersion: '1.0.0',
      strategy: 'canary',
      status: 'queued',
      steps: planSteps('canary', [50, 100]),
      initiatedBy: 'user:default/guest',
    });
    // Traffic while the canary runs: the stable version answers every request it gets.
    let polling = true;
    const stableAnswers: number[] = [];
    const stableStatuses: number[] = [];
    const poll = (async () => {
      while (polling) {
        const res = await fetch(`${target.url(ref)}/api/v1/echo`);
        const body = (await res.json()) as { pid: number; version: string };
        if (body.version === '1.0.0') {
          stableStatuses.push(res.status);
          stableAnswers.push(body.pid);
        }
        await new Promise(r => setTimeout(r, 20));
      }
    })();
    engine.submit(deployment.id);
    await engine.settled(deployment.id);
    polling = false;
    await poll;
    const d = (await store.get(deployment.id))!;
    expect(d.status).toBe('rolled_back');
    expect(d.reason).toMatch(/^Rollback trigger: error rate 100\.0% > 5%/);
    expect(new Set(stableAnswers)).toEqual(new Set([stablePid]));
    expect(new Set(stableStatuses)).toEqual(new Set([200]));
    expect(stableAnswers.length).toBeGreaterThan(10);
    expect(await pidOf()).toBe(stablePid);
    expect(await target.traffic(ref)).toEqual({ '1.0.0': 100 });
    expect(target.endpoints(ref).map(e => e.version)).toEqual(['1.0.0']);
  });

  it('reaps only provable orphans: never a live process of someone else, nor a bare pid', async () => {
    const workDir = path.join(dir, 'reap');
    fs.mkdirSync(workDir, { recursive: true });
    const sleeper = () =>
      spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
        stdio: 'ignore',
      });
    const orphan = sleeper();
    const unrelated = sleeper();
    const bare = sleeper();
    const orphanId = (await processIdentity(orphan.pid!))!;
    const unrelatedId = (await processIdentity(unrelated.pid!))!;
    fs.writeFileSync(
      path.join(workDir, 'processes.json'),
      JSON.stringify([
        {
          entityRef: 'component:default/tiny',
          environment: 'development',
          version: '1.0.0',
          identity: orphanId,
        },
        // The pid of a live process, recorded with another start time: pid reuse.
        {
          entityRef: 'component:default/tiny',
          environment: 'staging',
          version: '1.0.0',
          identity: {
            ...unrelatedId,
            startTicks: String(Number(unrelatedId.startTicks) + 7),
          },
        },
        // The old format: a bare pid.
        bare.pid,
        { pid: bare.pid },
      ]),
    );
    try {
      await new LocalTarget({ ...options, workDir }).reapOrphans();
      await exited(orphan);
      expect(alive(orphan.pid!)).toBe(false);
      expect(orphan.signalCode).toBe('SIGKILL');
      expect(alive(unrelated.pid!)).toBe(true);
      expect(alive(bare.pid!)).toBe(true);
      // The registry is rewritten with what this target runs: nothing.
      expect(
        JSON.parse(
          fs.readFileSync(path.join(workDir, 'processes.json'), 'utf8'),
        ),
      ).toEqual([]);
    } finally {
      for (const c of [orphan, unrelated, bare]) c.kill('SIGKILL');
    }
  });
});

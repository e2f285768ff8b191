import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  startLoopbackVercel,
  type LoopbackVercel,
} from '@internal/ibias-vercel-loopback';
// The module is tested inside the plugin it extends, as it runs in a backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import ibiasDeploymentsPlugin from '@internal/plugin-ibias-deployments-backend';
import request from 'supertest';
import { ibiasDeploymentsModuleVercelTarget } from './module';

const TOKEN = 'vercel_t0ken';
const ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ibias-web',
    namespace: 'default',
    annotations: { 'ibias.io/environments': './environments.yaml' },
  },
  spec: { owner: 'group:default/web-team' },
};

// The deployments plugin with this module, an environment whose target is vercel, and
// the loopback Vercel API: a deploy request goes through the same engine as any other.
// The analysis reads the portal's own load against the deployment's unique URL.
describe('IBIAS deployments with the vercel target', () => {
  let loopback: LoopbackVercel;

  beforeEach(async () => {
    loopback = await startLoopbackVercel({
      token: TOKEN,
      buildDelayMs: 5,
      projects: [
        {
          name: 'ibias-web',
          repo: { org: 'ibias', repo: 'ibias-web', repoId: 1 },
          domains: ['ibias.example.com'],
        },
      ],
      // 1.2.0's app answers 500 on half of its requests (/health stays 200).
      faultyRefs: { '1.2.0': 0.5 },
    });
  });
  afterEach(() => loopback.close());

  async function startBackend(intervalSeconds = 0.5) {
    return startTestBackend({
      features: [
        ibiasDeploymentsPlugin,
        ibiasDeploymentsModuleVercelTarget,
        mockServices.rootConfig.factory({
          data: {
            ibias: {
              deployments: {
                environments: {
                  development: {
                    target: 'vercel',
                    analysis: {
                      intervals: 2,
                      intervalSeconds,
                      minSamples: 5,
                    },
                    load: { rps: 40, method: 'GET', path: '/' },
                  },
                  staging: { target: 'vercel' },
                  production: { target: 'vercel' },
                },
                vercel: {
                  token: TOKEN,
                  apiUrl: loopback.url,
                  drainSecret: 'drain-secret',
                  deploymentUrlBase: `${loopback.url}/_deployments`,
                  projects: {
                    'ibias-web': {
                      projectId: loopback.project('ibias-web').id,
                      repo: { org: 'ibias', repo: 'ibias-web' },
                    },
                  },
                },
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [ENTITY] }),
        actionsRegistryServiceMock.factory(),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({ publish: async () => {} }),
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send: async () => {} }),
        }),
      ],
    });
  }

  /** Vercel's GitHub integration builds a pushed tag: a staged production deployment. */
  async function buildTag(ref: string) {
    const api = (path: string, method: string, body: object) =>
      fetch(`${loopback.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    await api('/v9/projects/ibias-web', 'PATCH', {
      autoAssignCustomDomains: false,
    });
    const built = await api('/v13/deployments', 'POST', {
      name: 'ibias-web',
      target: 'production',
      gitSource: { type: 'github', repoId: 1, ref },
    });
    const id: string = (await built.json()).id;
    await loopback.waitForBuild(id);
    return id;
  }

  type Backend = Awaited<ReturnType<typeof startBackend>>;

  async function deployAndWait(
    backend: Backend,
    version: string,
    strategy = 'blue-green',
  ) {
    const res = await request(backend.server)
      .post('/api/ibias-deployments/deployments')
      .send({
        entityRef: 'component:default/ibias-web',
        environment: 'development',
        version,
        strategy,
      });
    expect(res.status).toBe(202);
    const id = res.body.id;
    let deployment = res.body;
    const deadline = Date.now() + 25_000;
    while (
      !['succeeded', 'failed', 'rolled_back', 'aborted'].includes(
        deployment.status,
      ) &&
      Date.now() < deadline
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
      deployment = (
        await request(backend.server).get(
          `/api/ibias-deployments/deployments/${id}`,
        )
      ).body;
    }
    return deployment;
  }

  const stepsOf = (deployment: {
    steps: Array<{ id: string; status: string }>;
  }) => deployment.steps.map(s => [s.id, s.status]);

  const productionHealth = async () =>
    (await fetch(`${loopback.urlFor('ibias.example.com')}/health`)).json();

  it('deploys a tag blue-green through POST /deployments, measures it with its own load and promotes it', async () => {
    const backend = await startBackend();
    try {
      const builtId = await buildTag('1.1.0');

      // The drain route sits in front of the plugin's JSON body parser: its HMAC is
      // over the raw bytes.
      const address = backend.server.address() as { port: number };
      const drained = await loopback.drainTo(
        `http://127.0.0.1:${address.port}/api/ibias-deployments/vercel/log-drain`,
        'drain-secret',
        { deploymentId: builtId, requests: [{ statusCode: 200 }] },
      );
      expect(drained.statuses).toEqual([200]);
      expect(loopback.project('ibias-web').productionDeploymentId).toBeNull();

      const versions = await request(backend.server).get(
        '/api/ibias-deployments/versions?entityRef=component:default/ibias-web&environment=development',
      );
      expect(versions.body).toMatchObject({
        target: 'vercel',
        versions: ['1.1.0'],
      });

      const deployment = await deployAndWait(backend, '1.1.0');
      // Deploy, probes on the unique URL and promote go through Vercel; the analysis
      // reads what the portal's load measured on 1.1.0's unique URL.
      expect(stepsOf(deployment)).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['switch', 'succeeded'],
        ['monitor', 'succeeded'],
        ['cleanup', 'succeeded'],
      ]);
      expect(deployment.status).toBe('succeeded');
      expect(deployment.steps[4].message).toBe('2 intervals of 0.5 s healthy');
      const analysis = deployment.evidence.filter(
        (e: { stepId: string }) => e.stepId === 'monitor',
      );
      expect(analysis).toHaveLength(4);
      for (const e of analysis) {
        expect(e).toMatchObject({ source: 'target-probe', verdict: 'pass' });
        expect(e.samples).toBeGreaterThanOrEqual(5);
        expect(e.query).toContain(
          `Portal probe load GET / at 40 rps on ${
            loopback.deployment(builtId)!.url
          } (1.1.0)`,
        );
        expect(e.detail).toMatch(/^Vercel log drains counted \d+ requests/);
      }
      expect(
        analysis.find((e: { check: string }) => e.check === 'error-rate').value,
      ).toBe(0);
      expect(
        analysis.find((e: { check: string }) => e.check === 'p95-latency')
          .value,
      ).toEqual(expect.any(Number));
      expect(loopback.project('ibias-web').productionDeploymentId).toBe(
        builtId,
      );
      expect(await productionHealth()).toEqual({
        status: 'ok',
        version: '1.1.0',
      });
    } finally {
      await backend.stop();
    }
  }, 30_000);

  it('rolls a version that answers 5xx back on the error rate its load measured', async () => {
    const backend = await startBackend();
    try {
      const stableId = await buildTag('1.1.0');
      const faultyId = await buildTag('1.2.0');
      expect((await deployAndWait(backend, '1.1.0')).status).toBe('succeeded');

      const deployment = await deployAndWait(backend, '1.2.0');
      expect(deployment.status).toBe('rolled_back');
      expect(stepsOf(deployment)).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['switch', 'succeeded'],
        ['monitor', 'failed'],
        ['cleanup', 'skipped'],
      ]);
      expect(deployment.steps[4].message).toMatch(
        /^Rollback trigger: error rate \d+\.\d% > 5% for 2 consecutive interval\(s\) of 0\.5 s \(\d+ requests\)$/,
      );
      const failing = deployment.evidence.filter(
        (e: { stepId: string; check: string }) =>
          e.stepId === 'monitor' && e.check === 'error-rate',
      );
      expect(failing).toHaveLength(2);
      for (const e of failing) {
        expect(e).toMatchObject({
          source: 'target-probe',
          verdict: 'fail',
          threshold: 0.05,
        });
        expect(e.value).toBeGreaterThan(0.3);
        expect(e.query).toContain(
          `on ${loopback.deployment(faultyId)!.url} (1.2.0)`,
        );
      }
      // Instant rollback gave production back to 1.1.0.
      expect(loopback.project('ibias-web').productionDeploymentId).toBe(
        stableId,
      );
      expect(await productionHealth()).toEqual({
        status: 'ok',
        version: '1.1.0',
      });
    } finally {
      await backend.stop();
    }
  }, 30_000);

  /**
   * Real callers on the production domain (Vercel splits them by the active stage) and
   * Vercel delivering what each deployment served to the portal's drain, until stopped.
   */
  function realCallersAndDrains(backend: Backend, deploymentIds: string[]) {
    const { port } = backend.server.address() as { port: number };
    const drain = `http://127.0.0.1:${port}/api/ibias-deployments/vercel/log-drain`;
    const domain = `${loopback.urlFor('ibias.example.com')}/`;
    const call = () =>
      fetch(domain)
        .then(r => r.arrayBuffer())
        .catch(() => undefined);
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await Promise.all(Array.from({ length: 20 }, call));
        for (const deploymentId of deploymentIds) {
          await loopback.drainTo(drain, 'drain-secret', { deploymentId });
        }
        await new Promise(r => setTimeout(r, 20));
      }
    })();
    return async () => {
      stopped = true;
      await loop;
    };
  }

  it('aborts a faulty rolling release at its first stage on the error rate of its drained logs', async () => {
    const backend = await startBackend(1);
    try {
      const stableId = await buildTag('1.1.0');
      const faultyId = await buildTag('1.2.0');
      expect((await deployAndWait(backend, '1.1.0')).status).toBe('succeeded');
      const stop = realCallersAndDrains(backend, [stableId, faultyId]);
      const deployment = await deployAndWait(backend, '1.2.0', 'canary');
      await stop();
      expect(deployment.status).toBe('rolled_back');
      expect(stepsOf(deployment).slice(0, 5)).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['traffic-10', 'succeeded'],
        ['analysis-10', 'failed'],
      ]);
      const failing = deployment.evidence.filter(
        (e: { stepId: string; check: string; verdict: string }) =>
          e.stepId === 'analysis-10' &&
          e.check === 'error-rate' &&
          e.verdict === 'fail',
      );
      expect(failing.length).toBeGreaterThanOrEqual(1);
      for (const e of failing) {
        expect(e.source).toBe('log-drain');
        expect(e.samples).toBeGreaterThanOrEqual(10);
        expect(e.value).toBeGreaterThan(0.3);
        expect(e.query).toContain(`Vercel log drains of ${faultyId} (1.2.0)`);
      }
      // Vercel split the callers 90/10 while it ran; the abort gave 1.1.0 everything.
      const p = loopback.project('ibias-web');
      expect(p.rollingRelease).toMatchObject({
        state: 'ABORTED',
        canaryDeploymentId: faultyId,
      });
      expect(p.productionDeploymentId).toBe(stableId);
      expect(await productionHealth()).toEqual({
        status: 'ok',
        version: '1.1.0',
      });
    } finally {
      await backend.stop();
    }
  }, 40_000);

  it('takes a healthy rolling release through every stage on drained evidence and completes it', async () => {
    const backend = await startBackend(1);
    try {
      const stableId = await buildTag('1.1.0');
      const nextId = await buildTag('1.3.0');
      expect((await deployAndWait(backend, '1.1.0')).status).toBe('succeeded');
      const stop = realCallersAndDrains(backend, [stableId, nextId]);
      const deployment = await deployAndWait(backend, '1.3.0', 'canary');
      await stop();
      expect(deployment.status).toBe('succeeded');
      const sources = new Set(
        deployment.evidence
          .filter((e: { stepId: string }) => e.stepId.startsWith('analysis-'))
          .map((e: { source: string }) => e.source),
      );
      expect([...sources]).toEqual(['log-drain']);
      const p = loopback.project('ibias-web');
      expect(p.rollingRelease?.state).toBe('COMPLETE');
      expect(p.productionDeploymentId).toBe(nextId);
    } finally {
      await backend.stop();
    }
  }, 60_000);
});

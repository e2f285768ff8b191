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
    });
  });
  afterEach(() => loopback.close());

  it('deploys a tag blue-green through POST /deployments and promotes it; analysis has no data, so the engine rolls back', async () => {
    const backend = await startTestBackend({
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
                    analysis: { intervals: 1, intervalSeconds: 0.2 },
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
    try {
      // Vercel's GitHub integration builds a pushed tag: a staged production deployment.
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
        gitSource: { type: 'github', repoId: 1, ref: '1.1.0' },
      });
      const builtId = (await built.json()).id;
      await loopback.waitForBuild(builtId);

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
      const res = await request(backend.server)
        .post('/api/ibias-deployments/deployments')
        .send({
          entityRef: 'component:default/ibias-web',
          environment: 'development',
          version: '1.1.0',
          strategy: 'blue-green',
        });
      expect(res.status).toBe(202);
      const id = res.body.id;
      let deployment = res.body;
      const deadline = Date.now() + 20_000;
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
      // Deploy, probes on the unique URL and promote all go through Vercel; the
      // analysis then has no data from this target (no latency source: see the
      // README), and an inconclusive analysis never promotes.
      expect(deployment.status).toBe('rolled_back');
      expect(
        deployment.steps.map((s: { id: string; status: string }) => [
          s.id,
          s.status,
        ]),
      ).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['switch', 'succeeded'],
        ['monitor', 'failed'],
        ['cleanup', 'skipped'],
      ]);
      expect(deployment.steps[4].message).toBe(
        'Analysis inconclusive: fewer than 20 requests per interval; not promoting',
      );
      // Nothing served before, so there is nothing to roll back to: Vercel keeps
      // serving 1.1.0 (a production domain cannot be left without a deployment).
      const production = loopback.project('ibias-web').productionDeploymentId;
      expect(loopback.deployment(production!)).toMatchObject({
        readyState: 'READY',
      });
      const health = await fetch(
        `${loopback.urlFor('ibias.example.com')}/health`,
      );
      expect(await health.json()).toEqual({ status: 'ok', version: '1.1.0' });
    } finally {
      await backend.stop();
    }
  }, 30_000);
});

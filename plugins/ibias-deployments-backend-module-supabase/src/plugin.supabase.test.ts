import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  startLoopbackSupabase,
  type LoopbackSupabase,
} from '@internal/ibias-supabase-loopback';
// The module is tested inside the plugin it extends, as it runs in a backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import ibiasDeploymentsPlugin from '@internal/plugin-ibias-deployments-backend';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ibiasDeploymentsModuleSupabaseTarget } from './module';

const TOKEN = 'sbp_t0ken';
const PROJECT = 'stagingprojectref000';
const SLUG = 'ai-recommendations';
const ENTITY = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ai-recommendations',
    namespace: 'default',
    annotations: { 'ibias.io/environments': './environments.yaml' },
  },
  spec: { owner: 'group:default/ai-team' },
};

// The deployments plugin with this module, staging's target set to supabase, and the
// loopback Management API: a deploy request goes through the same engine as any other.
describe('IBIAS deployments with the supabase target', () => {
  let sb: LoopbackSupabase;
  let sourceDir: string;

  beforeEach(async () => {
    sb = await startLoopbackSupabase({ token: TOKEN, projects: [PROJECT] });
    sourceDir = await mkdtemp(join(tmpdir(), 'supabase-plugin-'));
    for (const [version, errorRate] of [
      ['1.1.0', 0],
      ['1.2.0', 0.5],
    ] as const) {
      await mkdir(join(sourceDir, version));
      await writeFile(join(sourceDir, version, 'index.ts'), `// ${version}\n`);
      await writeFile(
        join(sourceDir, version, 'ibias-behaviour.json'),
        JSON.stringify({ version, errorRate }),
      );
    }
  });
  afterEach(async () => {
    await sb.close();
    await rm(sourceDir, { recursive: true, force: true });
  });

  async function startBackend() {
    return startTestBackend({
      features: [
        ibiasDeploymentsPlugin,
        ibiasDeploymentsModuleSupabaseTarget,
        mockServices.rootConfig.factory({
          data: {
            ibias: {
              deployments: {
                environments: {
                  development: {},
                  staging: {
                    target: 'supabase',
                    analysis: {
                      intervals: 2,
                      intervalSeconds: 0.5,
                      minSamples: 5,
                    },
                    load: { rps: 40, method: 'GET', path: '/' },
                  },
                  production: {},
                },
                supabase: {
                  token: TOKEN,
                  apiUrl: sb.url,
                  functionsUrl: `${sb.url}/_invoke/{ref}`,
                  projects: {
                    'ai-recommendations': {
                      slug: SLUG,
                      refs: { staging: PROJECT },
                      sourceDir,
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

  type Backend = Awaited<ReturnType<typeof startBackend>>;

  async function deployAndWait(backend: Backend, version: string) {
    const res = await request(backend.server)
      .post('/api/ibias-deployments/deployments')
      .send({
        entityRef: 'component:default/ai-recommendations',
        environment: 'staging',
        version,
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
    return deployment;
  }

  const stepsOf = (deployment: {
    steps: Array<{ id: string; status: string }>;
  }) => deployment.steps.map(s => [s.id, s.status]);

  const mainHealth = async () =>
    (
      await fetch(`${sb.functionsUrl(PROJECT)}/functions/v1/${SLUG}/health`)
    ).json();

  it('deploys a healthy version blue-green, then rolls a faulty one back', async () => {
    const backend = await startBackend();
    try {
      const versions = await request(backend.server).get(
        '/api/ibias-deployments/versions?entityRef=component:default/ai-recommendations&environment=staging',
      );
      expect(versions.body).toMatchObject({
        // The target of this service in this environment (development and production
        // stay local).
        target: 'supabase',
        versions: ['1.2.0', '1.1.0'],
      });

      // Canary and rolling are refused when asked, before anything is built.
      for (const strategy of ['canary', 'rolling']) {
        for (const dryRun of [true, false]) {
          const refused = await request(backend.server)
            .post('/api/ibias-deployments/deployments')
            .send({
              entityRef: 'component:default/ai-recommendations',
              environment: 'staging',
              version: '1.1.0',
              strategy,
              dryRun,
            });
          expect(refused.status).toBe(400);
          expect(refused.body.error.message).toBe(
            `Supabase Edge Functions cannot split traffic, so ${strategy} is refused: deploy ai-recommendations in staging blue-green`,
          );
        }
      }
      expect(sb.requests.filter(r => r.method === 'POST')).toEqual([]);

      const healthy = await deployAndWait(backend, '1.1.0');
      expect(stepsOf(healthy)).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['switch', 'succeeded'],
        ['monitor', 'succeeded'],
        ['cleanup', 'succeeded'],
      ]);
      expect(healthy.status).toBe('succeeded');
      expect(await mainHealth()).toEqual({ status: 'ok', version: '1.1.0' });

      const faulty = await deployAndWait(backend, '1.2.0');
      expect(faulty.status).toBe('rolled_back');
      expect(stepsOf(faulty)).toEqual([
        ['deploy', 'succeeded'],
        ['health', 'succeeded'],
        ['smoke', 'succeeded'],
        ['switch', 'succeeded'],
        ['monitor', 'failed'],
        ['cleanup', 'skipped'],
      ]);
      const failing = faulty.evidence.filter(
        (e: { stepId: string; check: string }) =>
          e.stepId === 'monitor' && e.check === 'error-rate',
      );
      expect(failing.length).toBeGreaterThan(0);
      for (const e of failing) {
        expect(e).toMatchObject({ source: 'target-probe', verdict: 'fail' });
        expect(e.query).toContain(`on ${SLUG}--1-2-0 (1.2.0)`);
      }
      // The rollback redeployed 1.1.0's sources to the main slug.
      expect(await mainHealth()).toEqual({ status: 'ok', version: '1.1.0' });
      expect(sb.getFunction(PROJECT, SLUG)!.name).toBe(`${SLUG}@1.1.0`);
    } finally {
      await backend.stop();
    }
  }, 30_000);
});

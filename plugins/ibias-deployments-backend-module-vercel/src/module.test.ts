import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  signDrainBody,
  startLoopbackVercel,
  type LoopbackVercel,
} from '@internal/ibias-vercel-loopback';
import {
  ibiasDeploymentTargetsExtensionPoint,
  type DeployTarget,
  type DeployTargetFactory,
  type TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { ibiasDeploymentsModuleVercelTarget } from './module';

const TOKEN = 'vercel_t0ken';
const SECRET = 'drain-secret';
const REF: TargetRef = {
  service: 'ibias-web',
  entityRef: 'component:default/ibias-web',
  environment: 'production',
};

/** Stands in for the deployments plugin: collects what modules add. */
function fakeDeploymentsPlugin(
  added: Array<DeployTarget | DeployTargetFactory>,
) {
  return createBackendPlugin({
    pluginId: 'ibias-deployments',
    register(reg) {
      reg.registerExtensionPoint(ibiasDeploymentTargetsExtensionPoint, {
        addTarget: t => added.push(t),
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('the vercel-target module', () => {
  let loopback: LoopbackVercel;
  let projectId: string;
  let otherProjectDeploymentId: string;

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
        { name: 'other', repo: { org: 'ibias', repo: 'other', repoId: 2 } },
      ],
    });
    projectId = loopback.project('ibias-web').id;
    const otherRes = await fetch(`${loopback.url}/v13/deployments`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        name: 'other',
        target: 'production',
        gitSource: { type: 'github', repoId: 2, ref: '1.0.0' },
      }),
    });
    otherProjectDeploymentId = (await otherRes.json()).id;
    await loopback.waitForBuild(otherProjectDeploymentId);
  });
  afterEach(() => loopback.close());

  async function start(vercel: JsonObject | undefined) {
    const added: Array<DeployTarget | DeployTargetFactory> = [];
    const backend = await startTestBackend({
      features: [
        fakeDeploymentsPlugin(added),
        ibiasDeploymentsModuleVercelTarget,
        mockServices.rootConfig.factory({
          data: vercel ? { ibias: { deployments: { vercel } } } : {},
        }),
      ],
    });
    const factory = added[0];
    if (!factory || !('create' in factory)) {
      throw new Error('the module added no target factory');
    }
    return { backend, factory };
  }

  const config = () => ({
    token: TOKEN,
    apiUrl: loopback.url,
    deploymentUrlBase: `${loopback.url}/_deployments`,
    drainSecret: SECRET,
    drainVerificationCode: 'verify-me',
    projects: {
      'ibias-web': {
        projectId,
        repo: { org: 'ibias', repo: 'ibias-web' },
      },
    },
  });

  const drainUrl = (backend: { server: { address(): unknown } }) => {
    const address = backend.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}/api/ibias-deployments/vercel/log-drain`;
  };

  it('adds a factory named vercel that needs no configuration until chosen', async () => {
    const { backend, factory } = await start(undefined);
    try {
      expect(factory.name).toBe('vercel');
      expect(() => factory.create({ environments: ['production'] })).toThrow(
        'ibias.deployments.environments.production.target is vercel but ibias.deployments.vercel is not configured',
      );
      // The drain route refuses batches until a secret is configured.
      const res = await request(backend.server)
        .post('/api/ibias-deployments/vercel/log-drain')
        .set('x-vercel-signature', 'abc')
        .send('[]');
      expect(res.status).toBe(503);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a bad signature with 403 and stores nothing; counts a signed batch once', async () => {
    const { backend, factory } = await start(config());
    try {
      const target = await factory.create({ environments: ['production'] });
      await target.deploy(REF, '1.0.0');
      await target.setTraffic(REF, '1.0.0', 100, null);
      const deploymentId =
        loopback.project('ibias-web').productionDeploymentId!;
      const since = Date.now() - 1000;
      const counted = async () =>
        (await target.metrics(REF, '1.0.0', since)).detail;

      const bad = await loopback.drainTo(drainUrl(backend), SECRET, {
        deploymentId,
        requests: [{ statusCode: 200 }, { statusCode: 500 }],
        badSignature: true,
      });
      expect(bad.statuses).toEqual([403]);
      expect(await counted()).toContain('counted 0 requests (0 answered');

      const good = await loopback.drainTo(drainUrl(backend), SECRET, {
        deploymentId,
        requests: [
          { statusCode: 200 },
          { statusCode: 200 },
          { statusCode: 502 },
        ],
      });
      expect(good.statuses).toEqual([200]);
      expect(await counted()).toContain('counted 3 requests (1 answered');

      const replay = await loopback.drainTo(drainUrl(backend), SECRET, {
        deploymentId,
        requests: [{ statusCode: 500 }],
        replay: true,
      });
      expect(replay.statuses).toEqual([200, 200]);
      expect(await counted()).toContain('counted 4 requests (2 answered');

      const unknown = await loopback.drainTo(drainUrl(backend), SECRET, {
        deploymentId: otherProjectDeploymentId,
        requests: [{ statusCode: 500 }],
      });
      expect(unknown.statuses).toEqual([200]);
      expect(await counted()).toContain('counted 4 requests (2 answered');

      // A signed batch of the configured project naming a deployment Vercel's API
      // never listed (forged, or deleted) changes nothing either.
      const forged = JSON.stringify([
        {
          id: 'forged-1',
          requestId: 'forged-1',
          deploymentId: 'dpl_NotListedAnywhere',
          projectId,
          timestamp: Date.now(),
          statusCode: 500,
        },
      ]);
      const res = await request(backend.server)
        .post('/api/ibias-deployments/vercel/log-drain')
        .set('content-type', 'application/json')
        .set('x-vercel-signature', signDrainBody(forged, SECRET))
        .send(forged);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ stored: 0, duplicates: 0, ignored: 1 });
      expect(await counted()).toContain('counted 4 requests (2 answered');
    } finally {
      await backend.stop();
    }
  });

  it('answers x-vercel-verify on every response, unauthenticated', async () => {
    const { backend } = await start(config());
    try {
      const get = await request(backend.server).get(
        '/api/ibias-deployments/vercel/log-drain',
      );
      expect(get.status).toBe(200);
      expect(get.header['x-vercel-verify']).toBe('verify-me');
      const refused = await request(backend.server)
        .post('/api/ibias-deployments/vercel/log-drain')
        .send('[]');
      expect(refused.status).toBe(403);
      expect(refused.header['x-vercel-verify']).toBe('verify-me');
    } finally {
      await backend.stop();
    }
  });
});

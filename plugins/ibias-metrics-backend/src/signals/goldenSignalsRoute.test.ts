import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { createRequestValidation } from '@internal/ibias-backend-openapi';
import type { components } from '@internal/plugin-ibias-metrics-common';
import request from 'supertest';
import { ibiasMetricsPlugin } from '../plugin';
import { spec } from '../schema/openapi.generated';
import { PROMETHEUS_SETUP_HELP } from './GoldenSignals';

// GET /golden-signals through the whole plugin: plugin.ts builds the signals only when
// ibias.metrics.prometheus.url is set, the router validates the query against the
// OpenAPI document and takes the caller's credentials.

const validation = createRequestValidation<components['schemas']>(spec);
const ENDPOINT = '/api/ibias-metrics/golden-signals';

/** A Prometheus that knows no series (a real one is asked in the .prometheus test). */
async function emptyPrometheus() {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    const resultType = req.url?.includes('query_range') ? 'matrix' : 'vector';
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ status: 'success', data: { resultType, result: [] } }),
    );
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/**
 * ibias-deployments as the metrics plugin meets it: a plugin of the same backend whose
 * /traffic answers for ibias-web only, and records who asked.
 */
const trafficCallers: string[] = [];
const fakeDeployments = createBackendPlugin({
  pluginId: 'ibias-deployments',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = express.Router();
        router.get('/traffic', async (req, res) => {
          const creds = await httpAuth.credentials(req, { allow: ['user'] });
          trafficCallers.push(creds.principal.userEntityRef);
          const q = req.query as Record<string, string>;
          if (q.entityRef !== 'component:default/ibias-web') {
            res.json({ items: [] });
            return;
          }
          const at = q.to;
          const point = {
            at,
            requests: 20,
            errors: 1,
            p50Ms: 30,
            p95Ms: 80,
            p99Ms: 95,
          };
          res.json({
            items: [
              {
                environment: 'development',
                target: 'local',
                source: 'the router',
                coverageFrom: q.from,
                versions: [{ version: '1.0.0', points: [point], total: point }],
              },
            ],
          });
        });
        httpRouter.use(router);
      },
    });
  },
});

function start(metricsConfig: Record<string, unknown>) {
  return startTestBackend({
    features: [
      ibiasMetricsPlugin,
      fakeDeployments,
      mockServices.rootConfig.factory({
        data: {
          ibias: { metrics: { sample: { enabled: false }, ...metricsConfig } },
        },
      }),
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

describe('GET /golden-signals', () => {
  jest.setTimeout(60_000);
  const query = { entityRef: 'component:default/ibias-api', range: '15m' };

  describe('without a Prometheus', () => {
    let backend: Awaited<ReturnType<typeof start>>;
    beforeAll(async () => {
      backend = await start({});
    });
    afterAll(() => backend.stop());

    it('answers 401 to a request without credentials', async () => {
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query(query)
        .set('authorization', mockCredentials.none.header())
        .expect(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    });

    it('says what to install or configure', async () => {
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query(query)
        .set('authorization', mockCredentials.user.header('user:default/x'))
        .expect(200);
      expect(res.body).toEqual({
        configured: false,
        help: PROMETHEUS_SETUP_HELP,
      });
      expect(PROMETHEUS_SETUP_HELP).toMatch(/apt-get install prometheus/);
      expect(PROMETHEUS_SETUP_HELP).toMatch(/ibias\.metrics\.prometheus\.url/);
      expect(
        validation.problemsWith('GoldenSignalsUnconfigured', res.body, 'body'),
      ).toBeUndefined();
    });

    it("falls back, labelled, to the local router's records, read as the caller", async () => {
      trafficCallers.length = 0;
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query({ ...query, entityRef: 'component:default/ibias-web' })
        .set('authorization', mockCredentials.user.header('user:default/wes'))
        .expect(200);
      expect(res.body).toMatchObject({
        configured: false,
        help: PROMETHEUS_SETUP_HELP,
        fallback: {
          configured: true,
          source: 'traffic-router',
          sourceNote:
            'Prometheus is not configured, so these figures come from the router',
          series: [
            {
              environment: 'development',
              version: '1.0.0',
              summary: {
                requests: 20,
                errorRate: { value: 0.05 },
                p95: { value: 0.08 },
              },
              ai: null,
            },
          ],
        },
      });
      expect(trafficCallers).toEqual(['user:default/wes']);
      expect(
        validation.problemsWith('GoldenSignalsUnconfigured', res.body, 'body'),
      ).toBeUndefined();
    });
  });

  describe('with a Prometheus', () => {
    let backend: Awaited<ReturnType<typeof start>>;
    let prometheus: Awaited<ReturnType<typeof emptyPrometheus>>;
    beforeAll(async () => {
      prometheus = await emptyPrometheus();
      backend = await start({ prometheus: { url: prometheus.url } });
    });
    afterAll(async () => {
      await backend.stop();
      await prometheus.close();
    });

    it.each([
      [{ range: '15m' }, /entityRef/],
      [{ ...query, entityRef: 'not a ref' }, /entity ref such as/],
      [{ ...query, range: '2d' }, /range/],
      [{ ...query, environment: 'Prod"}' }, /environment name/],
    ])('answers 400 to %j', async (bad, message) => {
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query(bad)
        .set('authorization', mockCredentials.user.header())
        .expect(400);
      expect(res.body.error.message).toMatch(message);
    });

    it('answers any signed-in user with the signals, in the declared shape', async () => {
      prometheus.asked.length = 0;
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query({ ...query, environment: 'staging' })
        .set('authorization', mockCredentials.user.header('user:default/x'))
        .expect(200);
      expect(res.body).toMatchObject({
        configured: true,
        entityRef: 'component:default/ibias-api',
        service: 'ibias-api',
        environment: 'staging',
        range: '15m',
        series: [],
        markers: [],
      });
      expect(
        validation.problemsWith('GoldenSignals', res.body, 'body'),
      ).toBeUndefined();
      expect(prometheus.asked.length).toBe(19);
    });

    it('takes 1h when no range is given', async () => {
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query({ entityRef: 'component:default/ibias-api' })
        .set('authorization', mockCredentials.user.header())
        .expect(200);
      expect(res.body).toMatchObject({ range: '1h', stepSeconds: 30 });
    });
  });

  it('answers 503, naming Prometheus, when it does not answer', async () => {
    const gone = await emptyPrometheus();
    await gone.close();
    const backend = await start({ prometheus: { url: gone.url } });
    try {
      const res = await request(backend.server)
        .get(ENDPOINT)
        .query(query)
        .set('authorization', mockCredentials.user.header())
        .expect(503);
      expect(res.body.error).toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^Prometheus at 127\.0\.0\.1:\d+\/api\/v1\/query(_range)? is unreachable/,
        ),
      });
    } finally {
      await backend.stop();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { SEED_ALERT_RULES } from '@internal/plugin-ibias-metrics-common';
import type { JsonObject } from '@backstage/types';
import type { Knex } from 'knex';
import { readMetricsSettings } from '../config';
import { KnexAlertStore } from '../database/KnexAlertStore';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { AlertService, type AlertDelivery } from './AlertService';
import { PROMQL_BY_SIGNAL, SAMPLES_PROMQL_BY_SIGNAL } from './rulesFile';
import { catalogOwnerOf, ServiceAlertEvaluator } from './ServiceAlertEvaluator';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const API = 'component:default/ibias-api';
const WEB = 'component:default/ibias-web';
const OWNERS: Record<string, string> = {
  [API]: 'group:default/platform-team',
  [WEB]: 'group:default/web-team',
};
const T0 = Date.parse('2026-03-02T09:00:00Z');
const MINUTE = 60_000;

type Series = { labels: Record<string, string>; value: string };

const labels = (entity: string | undefined, environment = 'production') => ({
  ...(entity ? { ibias_entity: entity } : {}),
  ibias_service: entity?.split('/')[1] ?? 'pod-only',
  ibias_environment: environment,
});

/**
 * A loopback Prometheus answering /api/v1/query with the vector `answers` holds for the
 * query (an empty vector for any other), and 503 for the queries in `failing`.
 */
async function fakePrometheus() {
  const answers = new Map<string, Series[]>();
  const failing = new Set<string>();
  const received: Array<{ path?: string; query: string; time: number }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const query = form.get('query') ?? '';
      const time = Number(form.get('time'));
      received.push({ path: req.url, query, time });
      res.setHeader('content-type', 'application/json');
      if (req.url !== '/api/v1/query') {
        res.statusCode = 404;
        res.end(JSON.stringify({ status: 'error', error: 'not found' }));
        return;
      }
      if (failing.has(query)) {
        res.statusCode = 503;
        res.end(JSON.stringify({ status: 'error', error: 'overloaded' }));
        return;
      }
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: (answers.get(query) ?? []).map(s => ({
              metric: s.labels,
              value: [time, s.value],
            })),
          },
        }),
      );
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answers,
    failing,
    received,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(databases.eachSupportedId())(
  'ServiceAlertEvaluator against a loopback Prometheus on %s',
  databaseId => {
    let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
    let knex: Knex;
    let store: KnexAlertStore;

    beforeAll(async () => {
      prometheus = await fakePrometheus();
      knex = await databases.init(databaseId);
      store = await KnexAlertStore.create(mockServices.database({ knex }));
    });
    afterAll(() => prometheus.close());
    beforeEach(async () => {
      prometheus.answers.clear();
      prometheus.failing.clear();
      prometheus.received.length = 0;
      await knex('ibias_alert_history').delete();
      await knex('ibias_alerts').delete();
    });

    function harness(config: JsonObject = {}) {
      const clock = { now: T0 };
      const logger = mockServices.logger.mock();
      const delivery = {
        deliver: jest.fn<
          ReturnType<AlertDelivery['deliver']>,
          Parameters<AlertDelivery['deliver']>
        >(async () => {}),
      };
      const ownerOf = jest.fn(async (ref: string) => OWNERS[ref]);
      const settings = readMetricsSettings(
        new ConfigReader({ ibias: { metrics: config } }),
      );
      const alerts = new AlertService({
        store,
        delivery,
        permissions: mockServices.permissions.mock(),
        userInfo: mockServices.userInfo.mock(),
        logger,
        ruleNames: id => id,
        now: () => clock.now,
      });
      const evaluator = new ServiceAlertEvaluator({
        prometheus: new PrometheusClient({
          url: prometheus.url,
          timeoutMs: 2000,
        }),
        alerts,
        rules: settings.rules,
        serviceOverrides: settings.serviceOverrides,
        ownerOf,
        logger,
        environment: settings.alertEnvironment,
      });
      const evaluateAt = (offsetMs: number) => {
        clock.now = T0 + offsetMs;
        return evaluator.evaluate(new Date(clock.now));
      };
      return { evaluateAt, delivery, ownerOf, logger };
    }

    const answer = (
      signal: keyof typeof PROMQL_BY_SIGNAL,
      values: Series[],
      samples: Series[],
    ) => {
      prometheus.answers.set(PROMQL_BY_SIGNAL[signal], values);
      if (SAMPLES_PROMQL_BY_SIGNAL[signal] !== PROMQL_BY_SIGNAL[signal]) {
        prometheus.answers.set(SAMPLES_PROMQL_BY_SIGNAL[signal], samples);
      }
    };

    it('asks each seed rule’s value and sample queries as instant queries at the evaluation time', async () => {
      const { evaluateAt } = harness();
      await evaluateAt(0);
      const asked = new Set(prometheus.received.map(r => r.query));
      for (const signal of Object.keys(PROMQL_BY_SIGNAL) as Array<
        keyof typeof PROMQL_BY_SIGNAL
      >) {
        expect(asked).toContain(PROMQL_BY_SIGNAL[signal]);
        expect(asked).toContain(SAMPLES_PROMQL_BY_SIGNAL[signal]);
      }
      expect(new Set(prometheus.received.map(r => r.path))).toEqual(
        new Set(['/api/v1/query']),
      );
      expect(new Set(prometheus.received.map(r => r.time))).toEqual(
        new Set([T0 / 1000]),
      );
    });

    it('opens one alert per rule and service, with evidence and the catalog owner, and fires it after `for`', async () => {
      const { evaluateAt, delivery, ownerOf } = harness();
      answer(
        'error_rate',
        [
          // Another environment does not page.
          { labels: labels(API, 'staging'), value: '0.9' },
          { labels: labels(API), value: '0.12' },
          { labels: labels(WEB), value: '0.01' },
          // No entity: a Kubernetes pod's series has no one to own its alert.
          { labels: labels(undefined), value: '0.9' },
        ],
        [
          { labels: labels(API), value: '400' },
          { labels: labels(WEB), value: '900' },
        ],
      );
      answer(
        'db_connection_errors',
        [{ labels: labels(WEB), value: '14' }],
        [],
      );

      const first = await evaluateAt(0);
      expect(first).toEqual({ evaluated: 3, skipped: 2, failedRules: [] });
      const open = await store.list({ status: 'open', limit: 10 });
      expect(
        open.map(a => [a.ruleId, a.subject, a.status, a.owner]).sort(),
      ).toEqual([
        ['database_connection_issues', WEB, 'firing', OWNERS[WEB]],
        ['high_error_rate', API, 'pending', OWNERS[API]],
      ]);
      const apiAlert = open.find(a => a.subject === API)!;
      expect(apiAlert.evidence).toEqual({
        environment: 'production',
        value: 0.12,
        samples: 400,
        threshold: 0.05,
        query: PROMQL_BY_SIGNAL.error_rate,
      });
      // The catalog is asked only about services that breach, once each.
      expect(ownerOf.mock.calls.map(([ref]) => ref).sort()).toEqual([API, WEB]);
      // database_connection_issues has for: 0s and no minimum: it fires at once.
      expect(
        delivery.deliver.mock.calls.map(([a, action]) => [a.ruleId, action]),
      ).toEqual([['database_connection_issues', 'trigger']]);

      await evaluateAt(2 * MINUTE);
      expect((await store.open('high_error_rate', API))?.status).toBe('firing');
      expect(await store.open('high_error_rate', WEB)).toBeUndefined();
    });

    it('leaves an open alert alone when its service is absent from the answer, and resolves it once it answers healthy', async () => {
      const { evaluateAt } = harness();
      answer(
        'error_rate',
        [{ labels: labels(API), value: '0.2' }],
        [{ labels: labels(API), value: '100' }],
      );
      await evaluateAt(0);
      await evaluateAt(2 * MINUTE);
      expect((await store.open('high_error_rate', API))?.status).toBe('firing');

      // The service vanished (scrape gap): past keepFiringFor, it is still firing.
      answer('error_rate', [], []);
      await evaluateAt(20 * MINUTE);
      expect((await store.open('high_error_rate', API))?.status).toBe('firing');

      answer(
        'error_rate',
        [{ labels: labels(API), value: '0' }],
        [{ labels: labels(API), value: '100' }],
      );
      await evaluateAt(21 * MINUTE);
      expect(await store.open('high_error_rate', API)).toBeUndefined();
    });

    it('needs enough samples: a value with too few or no sample series changes nothing', async () => {
      const { evaluateAt } = harness();
      answer(
        'error_rate',
        [
          { labels: labels(API), value: '0.5' },
          { labels: labels(WEB), value: '0.5' },
        ],
        [{ labels: labels(API), value: '3' }],
      );
      answer(
        'avg_response_time_seconds',
        [{ labels: labels(API), value: 'NaN' }],
        [{ labels: labels(API), value: '0' }],
      );
      const run = await evaluateAt(0);
      expect(run).toEqual({ evaluated: 2, skipped: 1, failedRules: [] });
      expect(await store.list({ limit: 10 })).toEqual([]);
    });

    it('applies a per-service override over the global one, for that service only', async () => {
      const { evaluateAt } = harness({
        alerts: {
          rules: { high_error_rate: { threshold: 0.1 } },
          services: {
            [API]: { high_error_rate: { threshold: 0.2, for: '0s' } },
          },
        },
      });
      answer(
        'error_rate',
        [
          { labels: labels(API), value: '0.15' },
          { labels: labels(WEB), value: '0.15' },
        ],
        [
          { labels: labels(API), value: '100' },
          { labels: labels(WEB), value: '100' },
        ],
      );
      await evaluateAt(0);
      // 0.15 is under the API's 0.2, over everyone else's 0.1.
      expect(await store.open('high_error_rate', API)).toBeUndefined();
      expect(await store.open('high_error_rate', WEB)).toMatchObject({
        status: 'pending',
        evidence: expect.objectContaining({ threshold: 0.1 }),
      });

      answer(
        'error_rate',
        [{ labels: labels(API), value: '0.3' }],
        [{ labels: labels(API), value: '100' }],
      );
      await evaluateAt(MINUTE);
      // for: 0s for the API: it fires on its first breach.
      expect(await store.open('high_error_rate', API)).toMatchObject({
        status: 'firing',
        evidence: expect.objectContaining({ threshold: 0.2 }),
      });
    });

    it('evaluates the other rules when one rule’s query fails, and says which failed', async () => {
      const { evaluateAt, logger } = harness();
      prometheus.failing.add(PROMQL_BY_SIGNAL.error_rate);
      answer(
        'db_connection_errors',
        [{ labels: labels(API), value: '30' }],
        [],
      );
      const run = await evaluateAt(0);
      expect(run.failedRules).toEqual(['high_error_rate']);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('Alert rule high_error_rate was not evaluated'),
      );
      expect(
        (await store.open('database_connection_issues', API))?.status,
      ).toBe('firing');
    });

    it('watches another environment when told to', async () => {
      const { evaluateAt } = harness({
        alerts: { environment: 'development' },
      });
      answer(
        'db_connection_errors',
        [
          { labels: labels(API, 'development'), value: '30' },
          { labels: labels(WEB), value: '30' },
        ],
        [],
      );
      await evaluateAt(0);
      const open = await store.list({ status: 'open', limit: 10 });
      expect(open.map(a => [a.subject, a.evidence.environment])).toEqual([
        [API, 'development'],
      ]);
    });

    it('opens an alert with no owner when the catalog lookup fails', async () => {
      const { evaluateAt, ownerOf, logger } = harness();
      ownerOf.mockRejectedValueOnce(new Error('catalog down'));
      answer(
        'db_connection_errors',
        [{ labels: labels(API), value: '30' }],
        [],
      );
      await evaluateAt(0);
      const alert = await store.open('database_connection_issues', API);
      expect(alert).toMatchObject({ status: 'firing' });
      expect(alert?.owner).toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('catalog down'),
      );
    });
  },
);

describe('readMetricsSettings: per-service rule overrides', () => {
  const read = (services?: JsonObject) =>
    readMetricsSettings(
      new ConfigReader({
        ibias: { metrics: { alerts: services ? { services } : {} } },
      }),
    ).serviceOverrides;

  it('reads them by normalised entity ref and rule id', () => {
    expect(
      read({
        'Component:default/IBIAS-api': {
          high_error_rate: { threshold: 0.1, for: '5m' },
          ai_service_degradation: { minSamples: 50 },
        },
      }),
    ).toEqual({
      [API]: {
        high_error_rate: { threshold: 0.1, for: '5m' },
        ai_service_degradation: { minSamples: 50 },
      },
    });
    expect(read(undefined)).toEqual({});
  });

  it.each([
    [
      'an unknown rule',
      { [API]: { slow_pages: { threshold: 1 } } },
      `ibias.metrics.alerts.services.${API}.slow_pages is not a rule`,
    ],
    [
      'a bad duration',
      { [API]: { high_error_rate: { for: 'soon' } } },
      `ibias.metrics.alerts.services.${API}.high_error_rate`,
    ],
    [
      'an unknown field',
      { [API]: { high_error_rate: { severity: 'info' } } },
      `ibias.metrics.alerts.services.${API}.high_error_rate`,
    ],
    [
      'a key that is not an entity ref',
      { 'ibias-api': { high_error_rate: { threshold: 1 } } },
      'ibias.metrics.alerts.services.ibias-api is not an entity ref',
    ],
    [
      'the same service twice',
      {
        [API]: { high_error_rate: { threshold: 1 } },
        'component:default/IBIAS-API': { high_error_rate: { threshold: 2 } },
      },
      `names ${API} a second time`,
    ],
  ])('refuses %s, naming the key', (_what, services, message) => {
    expect(() => read(services)).toThrow(message);
  });

  it('reads the alerting environment, production by default, and refuses one that is not a name', () => {
    const environment = (value?: string) =>
      readMetricsSettings(
        new ConfigReader({
          ibias: {
            metrics: {
              alerts: value === undefined ? {} : { environment: value },
            },
          },
        }),
      ).alertEnvironment;
    expect(environment()).toBe('production');
    expect(environment('staging')).toBe('staging');
    expect(() => environment('Prod"}')).toThrow(
      /^Invalid ibias\.metrics\.alerts\.environment: must be an environment name/,
    );
  });

  it('keeps the seed rules as they are without overrides', () => {
    expect(
      readMetricsSettings(new ConfigReader({})).rules.map(r => r.threshold),
    ).toEqual(SEED_ALERT_RULES.map(r => r.threshold));
  });
});

describe('catalogOwnerOf', () => {
  const ownerOf = catalogOwnerOf({
    catalog: catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'ibias-api', namespace: 'default' },
          spec: { owner: 'Platform-Team' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'billing', namespace: 'finance' },
          spec: { owner: 'user:default/ada' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'orphan', namespace: 'default' },
          spec: {},
        },
      ],
    }),
    auth: mockServices.auth(),
  });

  it.each([
    [API, 'group:default/platform-team'],
    ['component:finance/billing', 'user:default/ada'],
    ['component:default/orphan', undefined],
    ['component:default/unknown', undefined],
  ])('owner of %s is %p', async (ref, owner) => {
    await expect(ownerOf(ref)).resolves.toBe(owner);
  });
});

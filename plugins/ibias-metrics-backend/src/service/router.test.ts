import { createServiceFactory } from '@backstage/backend-plugin-api';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  EXECUTIVE_KPIS,
  metricsBusinessReadPermission,
  metricsImportPermission,
} from '@internal/plugin-ibias-metrics-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { KnexAlertStore, type StoredAlert } from '../database/KnexAlertStore';
import { ibiasMetricsPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const EXEC = 'user:default/exec';
const OUTSIDER = 'user:default/outsider';
const SECRET = 'whsec_router_test_0123456789';

/** The default policy's effect: the outsider may not read finances nor import. */
const DENIED: Record<string, string[]> = {
  [EXEC]: [],
  [OUTSIDER]: [
    metricsBusinessReadPermission.name,
    metricsImportPermission.name,
  ],
};
const OWNERSHIP: Record<string, string[]> = {
  [EXEC]: [EXEC, 'group:default/executives'],
  [OUTSIDER]: [OUTSIDER, 'group:default/web-team'],
};

function userOf(credentials?: BackstageCredentials): string | undefined {
  const principal = credentials?.principal;
  return typeof principal === 'object' &&
    principal !== null &&
    'userEntityRef' in principal
    ? String(principal.userEntityRef)
    : undefined;
}

const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

const publish = jest.fn(async () => {});
const send = jest.fn(async () => {});

async function start(knex: Knex) {
  return startTestBackend({
    features: [
      ibiasMetricsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          ibias: {
            metrics: { sources: { stripe: { webhookSecret: SECRET } } },
          },
        },
      }),
      // No token is no user: the auth barrier in front of the router applies.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) => {
          const user = userOf(options?.credentials) ?? '';
          return requests.map(r => ({
            result: (DENIED[user] ?? []).includes(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          }));
        },
      }).factory,
      mockServices.userInfo.mock({
        getUserInfo: async credentials => {
          const user = userOf(credentials) ?? '';
          return {
            userEntityRef: user,
            ownershipEntityRefs: OWNERSHIP[user] ?? [user],
          };
        },
      }).factory,
      // The evaluation and snapshot tasks run once at startup.
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup: true,
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({ publish }),
      }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send }),
      }),
    ],
  });
}

async function count(knex: Knex, table: string) {
  return Number((await knex(table).count({ n: '*' }))[0].n);
}

function alert(
  overrides: Partial<Omit<StoredAlert, 'id' | 'revision'>>,
): Omit<StoredAlert, 'id' | 'revision'> {
  const now = Date.now();
  return {
    ruleId: 'high_error_rate',
    subject: 'component:default/ibias-api',
    status: 'firing',
    severity: 'critical',
    owner: 'group:default/executives',
    summary: 'Error rate is above 5%',
    lastValue: 0.08,
    pendingSince: now - 600_000,
    firedAt: now - 300_000,
    lastBreachAt: now - 10_000,
    evidence: { errorRate: 0.08, threshold: 0.05 },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'the ibias-metrics API on %s',
  id => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let server: Parameters<typeof request>[0];

    beforeAll(async () => {
      knex = await databases.init(id);
      backend = await start(knex);
      server = backend.server;
    });

    afterAll(async () => {
      await backend?.stop();
    });

    it('answers 401 without a token, except on /health, /metrics and the Stripe webhook', async () => {
      expect(
        (await request(server).get('/api/ibias-metrics/dashboard')).status,
      ).toBe(401);
      expect(
        (await request(server).get('/api/ibias-metrics/kpis/nps')).status,
      ).toBe(401);
      const health = await request(server).get('/api/ibias-metrics/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({
        status: 'up',
        checks: { database: { status: 'up' } },
      });
    });

    it('computes the executive dashboard from the sample business for a business reader', async () => {
      const res = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .set(as(EXEC));
      expect(res.status).toBe(200);
      expect(res.body.sample).toBe(true);
      expect(res.body.business).toBe(true);
      expect(res.body.tiles.map((t: any) => t.definition.id)).toEqual([
        ...EXECUTIVE_KPIS,
      ]);
      for (const tile of res.body.tiles) {
        // 12 months by default, the last one MTD; the last whole month has a value.
        expect(tile.points).toHaveLength(12);
        expect(tile.points[11].partialLabel).toBe('MTD');
        expect([tile.definition.id, tile.points[10].value]).toEqual([
          tile.definition.id,
          expect.any(Number),
        ]);
      }
      expect(res.body.trends.map((t: any) => t.id)).toEqual([
        'userGrowth',
        'revenueGrowth',
        'performance',
        'satisfaction',
      ]);
      const revenue = res.body.trends.find(
        (t: any) => t.id === 'revenueGrowth',
      );
      expect(revenue.points).toHaveLength(12);
      // The sample business grows: more MRR at the end of the year than at its start.
      expect(revenue.points[10].value).toBeGreaterThan(revenue.points[0].value);
    });

    it('shows a user without ibias.metrics.business.read only NPS and uptime', async () => {
      const res = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .set(as(OUTSIDER));
      expect(res.status).toBe(200);
      expect(res.body.business).toBe(false);
      expect(res.body.tiles.map((t: any) => t.definition.id)).toEqual([
        'nps',
        'uptime',
      ]);
      expect(res.body.trends.map((t: any) => t.kpi)).toEqual(['uptime', 'nps']);
      for (const financial of [
        '"mrr"',
        '"cac"',
        '"ltv"',
        '"paying_customers"',
      ]) {
        expect(JSON.stringify(res.body.tiles)).not.toContain(financial);
      }

      const mrr = await request(server)
        .get('/api/ibias-metrics/kpis/mrr')
        .set(as(OUTSIDER));
      expect(mrr.status).toBe(403);
      expect(mrr.body.error.message).toContain('ibias.metrics.business.read');
      const records = await request(server)
        .get('/api/ibias-metrics/kpis/mrr/records')
        .query({ period: 'month', start: '2026-01-01T00:00:00.000Z' })
        .set(as(OUTSIDER));
      expect(records.status).toBe(403);
      expect(JSON.stringify(records.body)).not.toMatch(/cus_sample_/);

      const list = await request(server)
        .get('/api/ibias-metrics/kpis')
        .set(as(OUTSIDER));
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: any) => s.definition.id).sort()).toEqual([
        'nps',
        'uptime',
      ]);

      const nps = await request(server)
        .get('/api/ibias-metrics/kpis/nps')
        .query({ period: 'week', count: 4 })
        .set(as(OUTSIDER));
      expect(nps.status).toBe(200);
      expect(nps.body.points).toHaveLength(4);
    });

    it('answers 400 with a clear message for a period or count it does not know', async () => {
      const fortnight = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .query({ period: 'fortnight' })
        .set(as(EXEC));
      expect(fortnight.status).toBe(400);
      expect(fortnight.body.error.message).toBe(
        'request/query/period must be equal to one of the allowed values: day, week, month, quarter',
      );

      const zero = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .query({ count: 0 })
        .set(as(EXEC));
      expect(zero.status).toBe(400);
      expect(zero.body.error.message).toBe('request/query/count must be >= 1');

      const daily = await request(server)
        .get('/api/ibias-metrics/kpis/mrr')
        .query({ period: 'day' })
        .set(as(EXEC));
      expect(daily.status).toBe(400);
      expect(daily.body.error.message).toBe(
        'Monthly recurring revenue is reported by month or quarter, not by day',
      );
    });

    it('answers 404 for a KPI it does not know', async () => {
      const res = await request(server)
        .get('/api/ibias-metrics/kpis/no_such_kpi')
        .set(as(EXEC));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('No KPI "no_such_kpi"');
    });

    it('lists the customers behind a month for a business reader', async () => {
      const now = new Date();
      const lastMonth = new Date(
        Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1),
      ).toISOString();
      const res = await request(server)
        .get('/api/ibias-metrics/kpis/mrr/records')
        .query({ period: 'month', start: lastMonth })
        .set(as(EXEC));
      expect(res.status).toBe(200);
      expect(res.body.columns).toEqual([
        'customer',
        'movement',
        'startMrrMicros',
        'endMrrMicros',
      ]);
      expect(res.body.rows.length).toBeGreaterThan(0);
      expect(res.body.rows[0][0]).toMatch(/^cus_sample_/);
    });

    it('takes a Stripe webhook without a token, and refuses a bad signature with 400 writing nothing', async () => {
      const billing = await count(knex, 'ibias_billing_events');
      const payload = JSON.stringify({
        id: 'evt_1QzRouterForged',
        object: 'event',
        type: 'customer.subscription.created',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: {
            id: 'sub_forged',
            customer: 'cus_forged',
            status: 'active',
            items: {
              data: [
                {
                  quantity: 1,
                  price: {
                    unit_amount: 100_000,
                    recurring: { interval: 'month', interval_count: 1 },
                  },
                },
              ],
            },
          },
        },
      });
      const res = await request(server)
        .post('/api/ibias-metrics/webhooks/stripe')
        .set('Content-Type', 'application/json')
        .set(
          'Stripe-Signature',
          `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
        )
        .send(payload);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'The Stripe signature does not match the payload and the endpoint secret',
      );
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
      expect(JSON.stringify(res.body)).not.toContain('cus_forged');
      expect(await count(knex, 'ibias_billing_events')).toBe(billing);
      expect(await count(knex, 'ibias_webhook_events')).toBe(0);
      // The sample is still the sample.
      const dashboard = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .set(as(OUTSIDER));
      expect(dashboard.body.sample).toBe(true);
    });

    it('serves Prometheus text with the KPI gauges and per-route request durations', async () => {
      await request(server).get('/api/ibias-metrics/dashboard').set(as(EXEC));
      const res = await request(server).get('/api/ibias-metrics/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      // Set by the evaluation task that ran at startup. Without a scrape token the
      // endpoint is open, so it carries no financial KPI.
      expect(res.text).not.toMatch(/^ibias_kpi_value\{kpi="mrr"\}/m);
      expect(res.text).toMatch(/^ibias_kpi_value\{kpi="nps"\} -?\d/m);
      expect(res.text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/api\/ibias-metrics\/dashboard",status="200"\} [1-9]/m,
      );
      // Route templates, never raw URLs with ids.
      expect(res.text).toContain('route="/api/ibias-metrics/kpis/:id"');
      expect(res.text).not.toContain('no_such_kpi');
    });

    it('refuses an import to a user without ibias.metrics.import, writing nothing', async () => {
      const billing = await count(knex, 'ibias_billing_events');
      const res = await request(server)
        .post('/api/ibias-metrics/imports')
        .set(as(OUTSIDER))
        .send({
          billing: [
            {
              id: 'import_1',
              customerId: 'cus_real_1',
              subscriptionId: 'sub_real_1',
              type: 'subscription_started',
              occurredAt: new Date().toISOString(),
              mrrMicros: 5_000_000,
            },
          ],
        });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Importing business records needs the ibias.metrics.import permission',
      );
      expect(await count(knex, 'ibias_billing_events')).toBe(billing);
    });

    describe('alerts', () => {
      let firing: StoredAlert;
      let resolved: StoredAlert;
      let financial: StoredAlert;

      beforeAll(async () => {
        const store = new KnexAlertStore(knex);
        const now = Date.now();
        firing = await store.create(alert({}), now);
        resolved = await store.create(
          alert({
            ruleId: 'high_response_time',
            status: 'resolved',
            resolvedAt: now - 5_000,
          }),
          now,
        );
        financial = await store.create(
          alert({
            ruleId: 'kpi_mrr',
            subject: 'kpi:mrr',
            summary: 'MRR fell',
            lastValue: 123_000_000,
            evidence: { kpi: 'mrr', value: 123_000_000 },
          }),
          now,
        );
      });

      it('lists alerts, leaving out those of financial KPIs for who may not see them', async () => {
        const ours = (body: any) =>
          body.items
            .map((a: any) => a.id)
            .filter((x: string) =>
              [firing.id, resolved.id, financial.id].includes(x),
            )
            .sort();
        const exec = await request(server)
          .get('/api/ibias-metrics/alerts')
          .set(as(EXEC));
        expect(exec.status).toBe(200);
        expect(ours(exec.body)).toEqual(
          [firing.id, resolved.id, financial.id].sort(),
        );
        const outsider = await request(server)
          .get('/api/ibias-metrics/alerts')
          .set(as(OUTSIDER));
        expect(ours(outsider.body)).toEqual([firing.id, resolved.id].sort());
        expect(JSON.stringify(outsider.body)).not.toContain('123000000');

        const hidden = await request(server)
          .get(`/api/ibias-metrics/alerts/${financial.id}`)
          .set(as(OUTSIDER));
        expect(hidden.status).toBe(403);

        const one = await request(server)
          .get(`/api/ibias-metrics/alerts/${firing.id}`)
          .set(as(OUTSIDER));
        expect(one.status).toBe(200);
        expect(one.body.alert).toMatchObject({
          id: firing.id,
          ruleName: 'High Error Rate',
          status: 'firing',
          owner: 'group:default/executives',
        });
        expect(one.body.history.map((h: any) => h.to)).toEqual(['firing']);
      });

      it('lets an owner acknowledge a firing alert, but not someone who does not own it', async () => {
        const stranger = await request(server)
          .post(`/api/ibias-metrics/alerts/${firing.id}/acknowledge`)
          .set(as(OUTSIDER))
          .send({});
        expect(stranger.status).toBe(403);
        expect(stranger.body.error.message).toBe(
          'Only the owners of component:default/ibias-api may acknowledge its alerts',
        );

        publish.mockClear();
        const owner = await request(server)
          .post(`/api/ibias-metrics/alerts/${firing.id}/acknowledge`)
          .set(as(EXEC))
          .send({ comment: 'Looking into it' });
        expect(owner.status).toBe(200);
        expect(owner.body).toMatchObject({
          id: firing.id,
          status: 'acknowledged',
          acknowledgedBy: EXEC,
        });
        expect(publish).toHaveBeenCalledWith(
          expect.objectContaining({
            message: {
              alertId: firing.id,
              status: 'acknowledged',
              action: 'acknowledge',
            },
          }),
        );
        const history = await request(server)
          .get(`/api/ibias-metrics/alerts/${firing.id}`)
          .set(as(EXEC));
        expect(history.body.history).toEqual([
          expect.objectContaining({ to: 'firing' }),
          expect.objectContaining({
            from: 'firing',
            to: 'acknowledged',
            actor: EXEC,
            detail: 'Looking into it',
          }),
        ]);

        // Acknowledging twice is a conflict, not a silent success.
        const again = await request(server)
          .post(`/api/ibias-metrics/alerts/${firing.id}/acknowledge`)
          .set(as(EXEC))
          .send({});
        expect(again.status).toBe(409);
      });

      it('refuses what the attacker pass found: a financial alert to its owners who may not read finances, an alert nobody owns, a silence past 30 days', async () => {
        const store = new KnexAlertStore(knex);
        const now = Date.now();
        const theirs = await store.create(
          alert({
            ruleId: 'kpi_cac_payback',
            subject: 'kpi:cac_payback',
            owner: 'group:default/web-team',
            lastValue: 6.4,
          }),
          now,
        );
        const res = await request(server)
          .post(`/api/ibias-metrics/alerts/${theirs.id}/acknowledge`)
          .set(as(OUTSIDER))
          .send({});
        expect(res.status).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain('6.4');
        expect((await store.get(theirs.id))?.status).toBe('firing');

        const ownerless = await store.create(
          alert({
            ruleId: 'ai_service_degradation',
            subject: 'component:default/ai-recommendations',
            owner: undefined,
          }),
          now,
        );
        const nobody = await request(server)
          .post(`/api/ibias-metrics/alerts/${ownerless.id}/resolve`)
          .set(as(EXEC))
          .send({});
        expect(nobody.status).toBe(403);
        expect(nobody.body.error.message).toMatch(/has no owner/);

        const forever = await request(server)
          .post(`/api/ibias-metrics/alerts/${firing.id}/silence`)
          .set(as(EXEC))
          .send({ silenceFor: '9999d' });
        expect(forever.status).toBe(400);
        expect(forever.body.error.message).toMatch(/at most 30d/);
      });

      it('says a malformed JSON body is not JSON, quoting none of it', async () => {
        const res = await request(server)
          .post(`/api/ibias-metrics/alerts/${firing.id}/silence`)
          .set(as(EXEC))
          .set('content-type', 'application/json')
          .send('{"silenceFor": SECRET_PASSWORD');
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe('request/body is not valid JSON');
        expect(JSON.stringify(res.body)).not.toContain('SECRET_PASSWORD');
      });

      it('answers 409 for acknowledging a resolved alert and 404 for an unknown one', async () => {
        const res = await request(server)
          .post(`/api/ibias-metrics/alerts/${resolved.id}/acknowledge`)
          .set(as(EXEC))
          .send({});
        expect(res.status).toBe(409);
        expect(res.body.error.message).toBe(
          'A resolved alert cannot be acknowledged',
        );
        const unknown = await request(server)
          .post(
            '/api/ibias-metrics/alerts/00000000-0000-4000-8000-000000000000/acknowledge',
          )
          .set(as(EXEC))
          .send({});
        expect(unknown.status).toBe(404);
      });
    });

    // Last: a real import replaces the sample for every test after it.
    it('imports real records for a user allowed to, replacing the sample', async () => {
      const res = await request(server)
        .post('/api/ibias-metrics/imports')
        .set(as(EXEC))
        .send({
          billing: [
            {
              id: 'import_1',
              customerId: 'cus_real_1',
              subscriptionId: 'sub_real_1',
              type: 'subscription_started',
              occurredAt: new Date(Date.now() - 60_000).toISOString(),
              mrrMicros: 5_000_000,
            },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body.inserted.billing).toBe(1);
      expect(await count(knex, 'ibias_billing_events')).toBe(1);
      const dashboard = await request(server)
        .get('/api/ibias-metrics/dashboard')
        .set(as(EXEC));
      expect(dashboard.body.sample).toBe(false);
      const mrr = dashboard.body.tiles.find(
        (t: any) => t.definition.id === 'mrr',
      );
      expect(mrr.points[11].value).toBe(5_000_000);
    });
  },
);

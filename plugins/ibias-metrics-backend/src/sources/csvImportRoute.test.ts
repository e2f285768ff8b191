import {
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
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
import { metricsImportPermission } from '@internal/plugin-ibias-metrics-common';
import type { Knex } from 'knex';
import request from 'supertest';
import { ibiasMetricsPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const IMPORTER = 'user:default/finance';
const OUTSIDER = 'user:default/outsider';
const as = (user: string) => ({
  Authorization: mockCredentials.user.header(user),
});

function userOf(credentials?: BackstageCredentials): string | undefined {
  const principal = credentials?.principal;
  return typeof principal === 'object' &&
    principal !== null &&
    'userEntityRef' in principal
    ? String(principal.userEntityRef)
    : undefined;
}

const auditEvents: Array<{ meta?: unknown; outcome?: string }> = [];

async function start(knex: Knex) {
  return startTestBackend({
    features: [
      ibiasMetricsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: { ibias: { metrics: { sample: { enabled: false } } } },
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name === metricsImportPermission.name &&
              userOf(options?.credentials) !== IMPORTER
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
      mockServices.auditor.mock({
        createEvent: async ({ meta }) => {
          const event: { meta?: unknown; outcome?: string } = { meta };
          auditEvents.push(event);
          return {
            success: async () => {
              event.outcome = 'success';
            },
            fail: async () => {
              event.outcome = 'fail';
            },
          };
        },
      }).factory,
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

const BILLING = [
  'id,customerId,subscriptionId,type,occurredAt,mrrMicros,plan',
  'csv_1,cus_csv_1,sub_csv_1,subscription_started,2026-03-01T10:00:00Z,49000000,"Pro, monthly"',
  'csv_2,cus_csv_2,sub_csv_2,subscription_started,2026-03-02T10:00:00Z,99000000,',
].join('\r\n');

describe.each(databases.eachSupportedId())('POST /imports/csv on %s', id => {
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let server: Parameters<typeof request>[0];
  const billingRows = async () =>
    Number((await knex('ibias_billing_events').count({ n: '*' }))[0].n);
  const post = (kind: string, body: string, user?: string) => {
    const r = request(server)
      .post(`/api/ibias-metrics/imports/csv?kind=${kind}`)
      .set('content-type', 'text/csv');
    return (user ? r.set(as(user)) : r).send(body);
  };

  beforeAll(async () => {
    knex = await databases.init(id);
    backend = await start(knex);
    server = backend.server;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('answers 401 without a token', async () => {
    expect((await post('billing', BILLING)).status).toBe(401);
  });

  it('refuses a user without ibias.metrics.import before reading the file, writing nothing', async () => {
    auditEvents.length = 0;
    const res = await post('billing', 'not,even\n"csv', OUTSIDER);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'Importing business records needs the ibias.metrics.import permission',
    );
    expect(await billingRows()).toBe(0);
    expect(auditEvents).toEqual([
      { meta: { format: 'csv', kind: 'billing' }, outcome: 'fail' },
    ]);
  });

  it('refuses a file with one bad row whole, naming its line and column only', async () => {
    const res = await post(
      'billing',
      `${BILLING}\r\ncsv_3,cus_csv_3,sub_csv_3,subscription_paused,2026-03-03T10:00:00Z,1,`,
      IMPORTER,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toBe(
      'The CSV has 1 problem, so nothing was imported: line 4, column type: must be equal to one of the allowed values: subscription_started, subscription_changed, subscription_cancelled',
    );
    expect(JSON.stringify(res.body)).not.toContain('subscription_paused');
    expect(await billingRows()).toBe(0);
  });

  it('refuses a kind it does not know, and a body that is not text/csv', async () => {
    expect((await post('invoices', BILLING, IMPORTER)).status).toBe(400);
    const json = await request(server)
      .post('/api/ibias-metrics/imports/csv?kind=billing')
      .set(as(IMPORTER))
      .send({ billing: [] });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toMatch(/unsupported media type/i);
    expect(await billingRows()).toBe(0);
  });

  it('imports the rows as POST /imports would, once', async () => {
    auditEvents.length = 0;
    const res = await post('billing', BILLING, IMPORTER);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      inserted: { billing: 2, spend: 0, surveys: 0, probes: 0 },
      skipped: 0,
      customers: 2,
    });
    expect(
      await knex('ibias_billing_events')
        .select('id', 'customer_id', 'plan')
        .orderBy('id'),
    ).toEqual([
      expect.objectContaining({
        id: 'csv_1',
        customer_id: 'cus_csv_1',
        plan: 'Pro, monthly',
      }),
      expect.objectContaining({ id: 'csv_2', customer_id: 'cus_csv_2' }),
    ]);
    expect(auditEvents).toEqual([
      { meta: { format: 'csv', kind: 'billing' }, outcome: 'success' },
    ]);
    const again = await post('billing', BILLING, IMPORTER);
    expect(again.body.skipped).toBe(2);
    expect(await billingRows()).toBe(2);
  });
});

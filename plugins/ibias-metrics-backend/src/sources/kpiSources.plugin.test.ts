import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { recentPeriods } from '@internal/plugin-ibias-metrics-common';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { ibiasMetricsPlugin } from '../plugin';
import { scratchPostgres } from './scratchPostgres.testUtils';

// The plugin as the backend starts it, with ibias.metrics.sources.sql and
// ibias.metrics.prometheus.url configured: SQL and Prometheus KPIs defined in config come
// back from GET /kpis/:id with their values and gaps.
jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const USER = 'user:default/mona';

describe('SQL and Prometheus KPIs through the plugin', () => {
  const postgres = scratchPostgres('ibias_kpi_sources');
  let admin: Knex | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let prometheus: http.Server | undefined;
  const prometheusQueries: string[] = [];
  const months = recentPeriods('month', 3, new Date());

  beforeAll(async () => {
    const url = await postgres.create();
    admin = knexFactory({ client: 'pg', connection: url });
    await admin.schema.createTable('monthly_signups', table => {
      table.timestamp('month', { useTz: true }).notNullable();
      table.integer('signups').notNullable();
    });
    // The month before last and this month; last month has no row.
    await admin('monthly_signups').insert([
      { month: months[0].start, signups: 12 },
      { month: months[2].start, signups: 3 },
    ]);

    prometheus = http.createServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        prometheusQueries.push(form.get('query') ?? '');
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result: [
                { metric: {}, value: [Number(form.get('time')), '0.9995'] },
              ],
            },
          }),
        );
      });
    });
    await new Promise<void>(resolve =>
      prometheus!.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = prometheus.address() as AddressInfo;

    const owner = 'group:default/platform-team';
    backend = await startTestBackend({
      features: [
        ibiasMetricsPlugin,
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
        mockServices.rootConfig.factory({
          data: {
            ibias: {
              metrics: {
                prometheus: { url: `http://127.0.0.1:${port}` },
                sources: { sql: { connection: url } },
                kpis: {
                  signups: {
                    title: 'Sign-ups',
                    unit: 'count',
                    direction: 'up',
                    freshness: '1d',
                    owner,
                    financial: false,
                    source: {
                      type: 'sql',
                      query:
                        'select month as period, signups as value from monthly_signups where month >= :from and month < :to',
                    },
                  },
                  availability: {
                    title: 'Availability',
                    unit: 'percent',
                    direction: 'up',
                    freshness: '1d',
                    owner,
                    financial: false,
                    source: {
                      type: 'prometheus',
                      query: 'avg_over_time(probe_success[$__range])',
                    },
                  },
                },
              },
            },
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
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
  });

  afterAll(async () => {
    await backend?.stop();
    if (prometheus) {
      prometheus.closeAllConnections();
      await new Promise(resolve => prometheus!.close(resolve));
    }
    await admin?.destroy();
    await postgres.drop();
  });

  it('reads an SQL KPI from the configured database, a month without a row a gap', async () => {
    const res = await request(backend!.server)
      .get('/api/ibias-metrics/kpis/signups?period=month&count=3')
      .set('Authorization', mockCredentials.user.header(USER));
    expect(res.status).toBe(200);
    expect(
      res.body.points.map((p: { value: number | null; reason?: string }) => [
        p.value,
        p.reason,
      ]),
    ).toEqual([
      [12, undefined],
      [null, 'no row for this period'],
      [3, undefined],
    ]);
  });

  it('reads a Prometheus KPI from the configured Prometheus, over each period’s range', async () => {
    const res = await request(backend!.server)
      .get('/api/ibias-metrics/kpis/availability?period=month&count=3')
      .set('Authorization', mockCredentials.user.header(USER));
    expect(res.status).toBe(200);
    expect(res.body.points.map((p: { value: number }) => p.value)).toEqual([
      0.9995, 0.9995, 0.9995,
    ]);
    expect(res.body.points[0].formula).toMatch(
      /^avg_over_time\(probe_success\[\d+s\]\)$/,
    );
    expect(prometheusQueries).toContain(res.body.points[0].formula);
  });
});

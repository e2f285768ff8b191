import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  aiCostsReadPermission,
  aiCostsRepricePermission,
  withDefaults,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  aiCostsTeamConditions,
  createAiCostsTeamConditionalDecision,
} from '@internal/plugin-ibias-ai-costs-node';
import request from 'supertest';
import { KnexUsageStore } from '../database/KnexUsageStore';
import { ibiasAiCostsPlugin } from '../plugin';
import { FOCUS_COLUMNS } from '../export/focus';

// The data acceptance items, through the HTTP API on each database: malformed
// usage writes nothing; rollups, raw events and the CSV exports agree; re-pricing and
// its limits.

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });
const API = '/api/ibias-ai-costs';
const DAY = 86_400_000;

const ENTITIES = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ai-recommendations', namespace: 'default' },
    spec: { owner: 'ai-team', type: 'service', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ibias-api', namespace: 'default' },
    spec: { owner: 'web-team', type: 'service', lifecycle: 'production' },
  },
];

const NOW = Date.now();
const at = (minutesAgo: number) =>
  new Date(NOW - minutesAgo * 60_000).toISOString();
const ENTITY_REFS = [
  'component:default/ai-recommendations',
  'component:default/ibias-api',
  'component:default/ghost',
];
const MODELS = [
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'openai', model: 'gpt-4o' },
  { provider: 'openai', model: 'gpt-9-preview' },
];

const event = (i: number, overrides: Record<string, unknown> = {}) => ({
  id: `acc-${i}`,
  timestamp: at(5 + ((i * 37) % (30 * 60))),
  entityRef: ENTITY_REFS[i % 3],
  ...MODELS[i % 5 === 0 ? 2 : i % 2],
  inputTokens: 500 + i,
  outputTokens: 40 + (i % 9),
  cachedInputTokens: i % 4 === 0 ? 100 : 0,
  latencyMs: 250,
  status: i % 7 === 0 ? 'error' : 'success',
  ...overrides,
});

/** RFC 4180: quoted fields with doubled quotes, CRLF lines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

/** Dollars with six decimals as integer micro-dollars, exactly. */
const micros = (dollars: string) => {
  expect(dollars).toMatch(/^\d+\.\d{6}$/);
  return Number(dollars.replace('.', ''));
};

const CLAIMS: Record<string, string[]> = {
  'user:default/wes': ['group:default/web-team'],
};
const userInfo = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(CLAIMS[ref] ?? [])],
      };
    },
  }),
});

/** nora reads every team and re-prices; wes reads web-team's; nobody else anything. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const userOf = (credentials: BackstageCredentials) =>
      (credentials.principal as { userEntityRef?: string }).userEntityRef;
    return {
      async authorize(
        requests: Array<{ permission: { name: string } }>,
        options: { credentials: BackstageCredentials },
      ) {
        return requests.map(r => ({
          result:
            r.permission.name !== aiCostsRepricePermission.name ||
            userOf(options.credentials) === 'user:default/nora'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }));
      },
      async authorizeConditional(
        requests: Array<{ permission: { name: string } }>,
        options: { credentials: BackstageCredentials },
      ) {
        const user = userOf(options.credentials);
        return requests.map(() => {
          if (user === 'user:default/nora') {
            return { result: AuthorizeResult.ALLOW };
          }
          if (!user) return { result: AuthorizeResult.DENY };
          return createAiCostsTeamConditionalDecision(
            aiCostsReadPermission,
            aiCostsTeamConditions.isTeamMember({
              claims: [user, ...(CLAIMS[user] ?? [])],
            }),
          );
        });
      },
    } as any;
  },
});

const audited: Array<{ eventId: string; outcome: string; meta?: unknown }> = [];
const auditor = createServiceFactory({
  service: coreServices.auditor,
  deps: {},
  factory: () => ({
    async createEvent(options: { eventId: string; meta?: unknown }) {
      return {
        async success(o?: { meta?: unknown }) {
          audited.push({
            eventId: options.eventId,
            outcome: 'success',
            meta: o?.meta,
          });
        },
        async fail(o: { error: Error }) {
          audited.push({
            eventId: options.eventId,
            outcome: 'failure',
            meta: o.error.message,
          });
        },
      };
    },
  }),
});

describe.each(databases.eachSupportedId())(
  'AI costs data acceptance on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let knex: Awaited<ReturnType<typeof databases.init>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          ibiasAiCostsPlugin,
          permissions,
          userInfo,
          auditor,
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
          catalogServiceMock.factory({ entities: ENTITIES as any }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              ibias: {
                aiCosts: {
                  ingest: { batchesPerSecond: 1000, burst: 1000 },
                  retentionDays: 30,
                },
              },
            },
          }),
        ],
      });
    });
    afterAll(() => backend.stop());

    const count = async (table: string) =>
      Number((await knex(table).count({ n: '*' }))[0].n);
    const asService = () =>
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service('external:ai-gateway'),
        targetPluginId: 'ibias-ai-costs',
      });
    const get = (
      path: string,
      query: Record<string, string>,
      user = 'user:default/nora',
    ) =>
      request(backend.server)
        .get(`${API}${path}`)
        .query(query)
        .set('authorization', mockCredentials.user.header(user));
    const range = {
      from: at(3 * 24 * 60),
      to: new Date(NOW + 60_000).toISOString(),
    };

    it('refuses 10,000 malformed events, every answer a 4xx with a message, and writes nothing', async () => {
      const raw = (body: string) =>
        request(backend.server)
          .post(`${API}/events`)
          .set('authorization', asService())
          .set('content-type', 'application/json')
          .send(body);
      const batch = (n: number, bad: (i: number) => Record<string, unknown>) =>
        Array.from({ length: n }, (_, i) => event(i, bad(i)));
      const json = (n: number, bad: (i: number) => Record<string, unknown>) =>
        JSON.stringify({ events: batch(n, bad) });
      const kinds: Array<[string, number, string, number]> = [
        ['negative tokens', 1000, json(1000, () => ({ inputTokens: -1 })), 400],
        ['NaN as text', 1000, json(1000, () => ({ latencyMs: 'NaN' })), 400],
        [
          'NaN as a JSON literal',
          1000,
          json(1000, () => ({ outputTokens: 7 })).replace(
            /"outputTokens":7/g,
            '"outputTokens":NaN',
          ),
          400,
        ],
        [
          'an infinite count',
          1000,
          json(1000, () => ({ outputTokens: 7 })).replace(
            /"outputTokens":7/g,
            '"outputTokens":1e999',
          ),
          400,
        ],
        ['unknown fields', 1000, json(1000, i => ({ [`f${i}`]: 1 })), 400],
        [
          'prompt text',
          1000,
          json(1000, i => ({ prompt: `what is secret ${i}?` })),
          400,
        ],
        [
          'no timestamp',
          1000,
          json(1000, () => ({ timestamp: undefined })),
          400,
        ],
        [
          'cached tokens beyond the input',
          500,
          json(500, () => ({ inputTokens: 10, cachedInputTokens: 11 })),
          400,
        ],
        ['a batch of 1,500', 1500, json(1500, () => ({})), 400],
        [
          'a body over 2 MB',
          1000,
          json(1000, () => ({ completion: 'z'.repeat(2_500) })),
          413,
        ],
      ];
      let refused = 0;
      for (const [kind, n, body, status] of kinds) {
        const res = await raw(body);
        expect({ kind, status: res.status }).toEqual({ kind, status });
        expect(res.body.error.message).toEqual(expect.any(String));
        expect(res.body.error.message.length).toBeGreaterThan(10);
        expect(JSON.stringify(res.body)).not.toMatch(/secret|zzzz/);
        refused += n;
      }
      expect(refused).toBe(10_000);
      expect(await count('ibias_ai_usage_events')).toBe(0);
      expect(await count('ibias_ai_usage_rollup')).toBe(0);
    });

    it('the same totals from the rollups, from the raw events and from both CSV exports; a replay changes none', async () => {
      for (let b = 0; b < 3; b++) {
        const res = await request(backend.server)
          .post(`${API}/events`)
          .set('authorization', asService())
          .send({
            events: Array.from({ length: 400 }, (_, i) => event(b * 400 + i)),
          });
        expect(res.status).toBe(200);
      }
      const rawTotal = async () => {
        const [r] = await knex('ibias_ai_usage_events').select(
          knex.raw('coalesce(sum(cost_micros), 0) as cost'),
          knex.raw('count(*) as calls'),
        );
        return { cost: Number(r.cost), calls: Number(r.calls) };
      };
      const raw = await rawTotal();
      expect(raw.calls).toBe(1200);
      expect(raw.cost).toBeGreaterThan(0);

      for (const granularity of ['day', 'hour']) {
        for (const groupBy of ['team', 'entity', 'provider', 'model']) {
          const query = { ...range, granularity, groupBy };
          const view = await get('/costs', query);
          expect(view.status).toBe(200);
          const fromRollups = view.body.totals.reduce(
            (s: { cost: number; calls: number }, t: any) => ({
              cost: s.cost + t.costMicros,
              calls: s.calls + t.calls,
            }),
            { cost: 0, calls: 0 },
          );
          expect(fromRollups).toEqual(raw);

          const csv = await get('/costs/export.csv', query);
          expect(csv.status).toBe(200);
          expect(csv.headers['content-type']).toMatch(/^text\/csv/);
          expect(csv.headers['content-disposition']).toMatch(
            /^attachment; filename="ai-costs-.*\.csv"$/,
          );
          const [header, ...rows] = parseCsv(csv.text);
          expect(header).toEqual([
            'start',
            groupBy,
            'label',
            'cost_usd',
            'calls',
            'errors',
            'unpriced_calls',
            'input_tokens',
            'output_tokens',
            'seconds',
          ]);
          // The rows the view shows, one for one.
          expect(rows.length).toBe(view.body.rows.length);
          expect(
            rows.map(r => [r[0], r[1], micros(r[3]), Number(r[4])]),
          ).toEqual(
            view.body.rows.map((r: any) => [
              r.at,
              r.key,
              r.costMicros,
              r.calls,
            ]),
          );
          expect({
            cost: rows.reduce((s, r) => s + micros(r[3]), 0),
            calls: rows.reduce((s, r) => s + Number(r[4]), 0),
          }).toEqual(raw);
        }
      }

      const focus = await get('/export/focus.csv', range);
      expect(focus.status).toBe(200);
      const [header, ...lines] = parseCsv(focus.text);
      expect(header).toEqual([...FOCUS_COLUMNS]);
      const col = (name: string) => header.indexOf(name);
      expect({
        cost: lines.reduce((s, l) => s + micros(l[col('BilledCost')]), 0),
        calls: lines.reduce((s, l) => s + Number(l[col('x_Calls')]), 0),
      }).toEqual(raw);
      expect(new Set(lines.map(l => l[col('ConsumedUnit')]))).toEqual(
        new Set(['Tokens']),
      );
      expect(JSON.parse(lines[0][col('Tags')])).toEqual({
        team: lines[0][col('SubAccountId')],
        service: lines[0][col('ResourceId')],
      });

      // A replayed batch: the same totals everywhere.
      const replay = await request(backend.server)
        .post(`${API}/events`)
        .set('authorization', asService())
        .send({ events: Array.from({ length: 400 }, (_, i) => event(i)) });
      expect(replay.body).toMatchObject({ accepted: 0, duplicates: 400 });
      expect(await rawTotal()).toEqual(raw);
      const again = await get('/costs/export.csv', range);
      expect(
        parseCsv(again.text)
          .slice(1)
          .reduce((s, r) => s + micros(r[3]), 0),
      ).toBe(raw.cost);
    });

    it('exports only the teams the caller may read, and counts the rest as hidden', async () => {
      const csv = await get(
        '/costs/export.csv',
        { ...range, groupBy: 'team' },
        'user:default/wes',
      );
      const teams = new Set(
        parseCsv(csv.text)
          .slice(1)
          .map(r => r[1]),
      );
      expect(teams).toEqual(new Set(['group:default/web-team']));
      expect(csv.headers['x-ibias-hidden-teams']).toBe('2');
      const focus = await get('/export/focus.csv', range, 'user:default/wes');
      const [header, ...lines] = parseCsv(focus.text);
      expect(
        new Set(lines.map(l => l[header.indexOf('SubAccountId')])),
      ).toEqual(new Set(['group:default/web-team']));
      expect(focus.headers['x-ibias-hidden-teams']).toBe('2');
      const nobody = await get(
        '/export/focus.csv',
        range,
        'user:default/nobody',
      );
      expect(parseCsv(nobody.text)).toEqual([[...FOCUS_COLUMNS]]);
      const anonymous = await request(backend.server)
        .get(`${API}/export/focus.csv`)
        .query(range)
        .set('authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
    });

    it.each([
      [
        '/costs/export.csv',
        'a date that is none',
        { from: 'yesterday' },
        /from must match format/,
      ],
      [
        '/costs/export.csv',
        'a backwards range',
        { from: at(0), to: at(60) },
        /from must be before to/,
      ],
      [
        '/costs/export.csv',
        '40 days by hour',
        { granularity: 'hour', from: at(40 * 24 * 60) },
        /A range by hour is at most 31 days/,
      ],
      [
        '/costs/export.csv',
        'an unknown grouping',
        { groupBy: 'owner' },
        /groupBy/,
      ],
      [
        '/export/focus.csv',
        'a date that is none',
        { to: 'tomorrow' },
        /to must match format/,
      ],
      [
        '/export/focus.csv',
        'a backwards range',
        { from: at(0), to: at(60) },
        /from must be before to/,
      ],
      [
        '/export/focus.csv',
        '400 days',
        { from: at(400 * 24 * 60) },
        /A FOCUS export covers at most 366 days/,
      ],
    ])(
      'GET %s with %s: 400 saying why',
      async (path, _case, query, message) => {
        const res = await get(path, { ...range, ...query });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
      },
    );

    it('re-prices on request: only the readers of all, only within the retention, rollups and raw events agreeing after', async () => {
      // Calls priced with an older price (1 µ$ each), as if recorded before a change.
      const store = new KnexUsageStore(knex);
      const old = Array.from({ length: 30 }, (_, i) => ({
        ...withDefaults(
          event(50_000 + i, {
            entityRef: 'component:default/ibias-api',
            model: 'gpt-4o-mini',
            cachedInputTokens: 0,
            inputTokens: 1000,
            outputTokens: 100,
            timestamp: at(2 * 24 * 60 + i),
          }) as any,
        ),
        team: 'group:default/web-team',
        costMicros: 1,
        priceId: 'openai/gpt-4o-mini@old',
        reportedBy: 'external:ai-gateway',
      }));
      await store.ingest(old, new Date());
      const before = await get('/costs', { ...range, groupBy: 'model' });
      const post = (body: unknown, user = 'user:default/nora') =>
        request(backend.server)
          .post(`${API}/reprice`)
          .set('authorization', mockCredentials.user.header(user))
          .send(body as object);
      const window = {
        from: at(2 * 24 * 60 + 60),
        to: at(2 * 24 * 60 - 1),
        model: 'gpt-4o-mini',
      };

      const denied = await post(window, 'user:default/wes');
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toMatch(/ibias\.aiCosts\.reprice/);

      const tooOld = await post({
        ...window,
        from: at(40 * 24 * 60),
        to: at(39 * 24 * 60),
      });
      expect(tooOld.status).toBe(400);
      const cutoff = new Date(
        Math.floor((NOW - 30 * DAY) / DAY) * DAY,
      ).toISOString();
      expect(tooOld.body.error.message).toContain(cutoff);
      expect(tooOld.body.error.message).toMatch(
        /kept for 30 days \(ibias\.aiCosts\.retentionDays\)/,
      );

      for (const [body, message] of [
        [{ ...window, from: 'last week' }, /from must match format/],
        [{ ...window, dryRun: true }, /dryRun is not a field/],
        [{ from: window.to, to: window.from }, /from must be before to/],
        [
          {
            from: at(29 * 24 * 60),
            to: new Date(NOW + 3 * DAY).toISOString(),
          },
          /Re-price at most 31 days a request/,
        ],
      ] as const) {
        const bad = await post(body);
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(message);
      }

      const done = await post(window);
      expect(done.status).toBe(200);
      // 1,000 × $0.15 + 100 × $0.60 per million: 210 µ$ a call, not 1.
      expect(done.body).toEqual({
        from: new Date(window.from).toISOString(),
        to: new Date(window.to).toISOString(),
        model: 'gpt-4o-mini',
        events: 30,
        repriced: 30,
        rollupRows: expect.any(Number),
        costBeforeMicros: 30,
        costAfterMicros: 30 * 210,
        deltaMicros: 30 * 209,
        unpricedBefore: 0,
        unpricedAfter: 0,
      });
      const after = await get('/costs', { ...range, groupBy: 'model' });
      const mini = (r: any) =>
        r.body.totals.find((t: any) => t.key === 'gpt-4o-mini').costMicros;
      expect(mini(after) - mini(before)).toBe(30 * 209);
      const [raw] = await knex('ibias_ai_usage_events').select(
        knex.raw('sum(cost_micros) as cost'),
      );
      expect(
        after.body.totals.reduce((s: number, t: any) => s + t.costMicros, 0),
      ).toBe(Number(raw.cost));
      expect(audited.filter(a => a.eventId === 'ai-costs-reprice')).toEqual([
        expect.objectContaining({ outcome: 'failure' }),
        expect.objectContaining({ outcome: 'failure' }),
        expect.objectContaining({ outcome: 'failure' }),
        expect.objectContaining({ outcome: 'failure' }),
        expect.objectContaining({
          outcome: 'success',
          meta: expect.objectContaining({ repriced: 30, deltaMicros: 6270 }),
        }),
      ]);
      audited.length = 0;
    });
  },
);

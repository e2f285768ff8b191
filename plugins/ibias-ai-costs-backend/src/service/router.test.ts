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
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { aiCostsReadPermission } from '@internal/plugin-ibias-ai-costs-common';
import {
  aiCostsTeamConditions,
  createAiCostsTeamConditionalDecision,
} from '@internal/plugin-ibias-ai-costs-node';
import request from 'supertest';
import { notificationService } from '@backstage/plugin-notifications-node';
import { ibiasAiCostsPlugin } from '../plugin';
import { declared } from '../__testUtils__/declared';
import { createAiUsageKeys } from '@internal/plugin-ibias-ai-costs-node';
import { spec } from '../schema/openapi.generated';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });
const API = '/api/ibias-ai-costs';
const USAGE_KEY_SECRET = 'test-usage-key-secret-of-32-chars!';

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
    spec: {
      owner: 'group:default/web-team',
      type: 'service',
      lifecycle: 'production',
    },
  },
];

const NOW = Date.now();
const at = (minutesAgo: number) =>
  new Date(NOW - minutesAgo * 60_000).toISOString();

const event = (i: number, overrides: Record<string, unknown> = {}) => ({
  id: `call-${i}`,
  timestamp: at(5 + (i % 50)),
  entityRef:
    i % 2
      ? 'component:default/ai-recommendations'
      : 'component:default/ibias-api',
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputTokens: 1000,
  outputTokens: 100,
  latencyMs: 300,
  status: 'success',
  ...overrides,
});

/** wes is in web-team, ava in ai-team; everyone else in no group. */
const CLAIMS: Record<string, string[]> = {
  'user:default/wes': ['group:default/web-team'],
  'user:default/ava': ['group:default/ai-team'],
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

/** Allows every team to executives, the caller's own teams to others (the IBIAS policy). */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    ({
      async authorize(requests: any[]) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      },
      async authorizeConditional(
        requests: any[],
        options: { credentials: BackstageCredentials },
      ) {
        const principal = options.credentials.principal as {
          userEntityRef?: string;
        };
        return requests.map(r => {
          if (r.permission.name !== aiCostsReadPermission.name) {
            return { result: AuthorizeResult.ALLOW };
          }
          if (principal.userEntityRef === 'user:default/nora') {
            return { result: AuthorizeResult.ALLOW };
          }
          if (!principal.userEntityRef) return { result: AuthorizeResult.DENY };
          return createAiCostsTeamConditionalDecision(
            aiCostsReadPermission,
            aiCostsTeamConditions.isTeamMember({
              claims:
                principal.userEntityRef === 'user:default/wes'
                  ? [principal.userEntityRef, 'group:default/web-team']
                  : [principal.userEntityRef],
            }),
          );
        });
      },
    } as any),
});

describe.each(databases.eachSupportedId())(
  'the ibias-ai-costs API on %s',
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
                  usageKeySecret: USAGE_KEY_SECRET,
                  ingest: { batchesPerSecond: 0.01, burst: 40 },
                  budgets: [
                    // 10 calls at 210 µ$ = 2,100 µ$: 84 % of $0.0025.
                    {
                      id: 'ai-team',
                      scope: 'team',
                      target: 'ai-team',
                      amount: 0.0025,
                    },
                    {
                      id: 'ibias-api',
                      scope: 'service',
                      target: 'component:default/ibias-api',
                      amount: 1,
                      period: 'week',
                    },
                    {
                      id: 'openai',
                      scope: 'provider',
                      target: 'openai',
                      amount: 1000,
                    },
                  ],
                },
              },
            },
          }),
        ],
      });
    });
    afterAll(() => backend.stop());

    const rows = async () =>
      Number((await knex('ibias_ai_usage_events').count({ n: '*' }))[0].n);
    /** As a service with an external-access token (the usual reporter), or as a user. */
    const post = (body: unknown, as: string = 'external:ai-gateway') =>
      request(backend.server)
        .post(`${API}/events`)
        .set(
          'authorization',
          as.startsWith('user:')
            ? mockCredentials.user.header(as)
            : mockCredentials.service.header({
                onBehalfOf: mockCredentials.service(as),
                targetPluginId: 'ibias-ai-costs',
              }),
        )
        .send(body as object);
    const costs = (query: Record<string, string>, user = 'user:default/nora') =>
      request(backend.server)
        .get(`${API}/costs`)
        .query({
          from: at(24 * 60),
          to: new Date(NOW + 60_000).toISOString(),
          ...query,
        })
        .set('authorization', mockCredentials.user.header(user));

    it('records a batch, priced and attributed; a replay changes nothing', async () => {
      const batch = { events: Array.from({ length: 20 }, (_, i) => event(i)) };
      const first = await post(batch);
      expect(first.status).toBe(200);
      expect(declared('/events', 'post', 200, first.body)).toBeUndefined();
      expect(first.body).toEqual({
        accepted: 20,
        duplicates: 0,
        unpriced: 0,
        unattributed: 0,
      });
      const before = (await costs({ groupBy: 'team' })).body;
      expect(declared('/costs', 'get', 200, before)).toBeUndefined();
      // 1000 × 0.15 + 100 × 0.6 = 210 µ$ a call, 10 calls a team.
      expect(before.totals).toEqual([
        {
          key: 'group:default/ai-team',
          label: 'ai-team',
          costMicros: 2100,
          calls: 10,
          unpricedCalls: 0,
          share: 0.5,
        },
        {
          key: 'group:default/web-team',
          label: 'web-team',
          costMicros: 2100,
          calls: 10,
          unpricedCalls: 0,
          share: 0.5,
        },
      ]);
      const replay = await post(batch);
      expect(replay.body).toEqual({
        accepted: 0,
        duplicates: 20,
        unpriced: 0,
        unattributed: 0,
      });
      expect((await costs({ groupBy: 'team' })).body).toEqual(before);
    });

    it('a team member sees their team only; the rest is counted as hidden', async () => {
      const res = await costs({ groupBy: 'team' }, 'user:default/wes');
      expect(res.body.totals.map((t: any) => t.key)).toEqual([
        'group:default/web-team',
      ]);
      expect(res.body.hidden).toBe(1);
      // A service's view counts only what is hidden of that service.
      const own = await costs(
        { entityRef: 'component:default/ibias-api' },
        'user:default/wes',
      );
      expect(own.body.hidden).toBe(0);
      // Nor does another team's service say, by a hidden count, that it used AI.
      const foreign = await costs(
        { entityRef: 'component:default/ai-recommendations' },
        'user:default/wes',
      );
      expect(foreign.body).toMatchObject({ rows: [], totals: [], hidden: 0 });
      // Asking for another team by name gives nothing of it.
      const other = await costs(
        { team: 'group:default/ai-team' },
        'user:default/wes',
      );
      expect(other.body.rows).toEqual([]);
      // Someone in no team sees nothing.
      const nobody = await costs({}, 'user:default/nobody');
      expect(nobody.body).toMatchObject({ rows: [], totals: [], hidden: 2 });
    });

    it('puts an entity the catalog does not have in "unattributed", and prices nothing it cannot', async () => {
      const res = await post({
        events: [
          event(100, { entityRef: 'component:default/ghost' }),
          event(101, { model: 'gpt-9-preview' }),
        ],
      });
      expect(res.body).toEqual({
        accepted: 2,
        duplicates: 0,
        unpriced: 1,
        unattributed: 1,
      });
      const byTeam = (await costs({ groupBy: 'team' })).body;
      expect(
        byTeam.totals.find((t: any) => t.key === 'unattributed'),
      ).toMatchObject({
        label: 'unattributed',
        calls: 1,
      });
      const byModel = (await costs({ groupBy: 'model' })).body;
      expect(
        byModel.totals.find((t: any) => t.key === 'gpt-9-preview'),
      ).toMatchObject({
        costMicros: 0,
        unpricedCalls: 1,
      });
    });

    it('refuses 10,000 malformed events with 400s that name the field and quote nothing, and writes nothing', async () => {
      const before = await rows();
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ inputTokens: -1 }, /inputTokens must be >= 0/],
        [{ outputTokens: 1.5 }, /outputTokens must be integer/],
        [{ latencyMs: 'slow' }, /latencyMs must be number/],
        [
          { tenant: 'acme' },
          /events\/\d+\/tenant is not a field this request accepts/,
        ],
        [
          { prompt: 'What is our churn?' },
          /prompt is not a field this request accepts \(prompt and completion text are not accepted: usage only\)/,
        ],
        [
          { messages: [{ role: 'user', content: 'secret' }] },
          /messages is not a field/,
        ],
        [{ entityRef: 'ai-recommendations' }, /full entity ref/],
        [{ timestamp: 'yesterday' }, /timestamp must match format "date-time"/],
        [{ timestamp: at(8 * 24 * 60) }, /timestamp is more than 7 days old/],
        [
          { cachedInputTokens: 5000 },
          /cachedInputTokens must not exceed inputTokens/,
        ],
      ];
      let refused = 0;
      for (let b = 0; b < 10; b++) {
        const [change, message] = bad[b];
        const events = Array.from({ length: 1000 }, (_, i) =>
          event(10_000 + b * 1000 + i, i === 999 ? change : {}),
        );
        const res = await post({ events });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
        expect(JSON.stringify(res.body)).not.toMatch(
          /What is our churn|secret|acme|slow/,
        );
        refused += events.length;
      }
      expect(refused).toBe(10_000);
      expect(await rows()).toBe(before);
    });

    it.each([
      ['no events', { events: [] }, 400, /must NOT have fewer than 1 items/],
      [
        '1,001 events',
        { events: Array.from({ length: 1001 }, (_, i) => event(50_000 + i)) },
        400,
        /must NOT have more than 1000 items/,
      ],
      [
        'another top-level field',
        { events: [event(60_000)], debug: true },
        400,
        /debug is not a field/,
      ],
      [
        'a field with a 100,000-character name (cut short, not echoed whole)',
        { events: [event(60_001)], [`SECRET${'A'.repeat(100_000)}`]: 1 },
        400,
        /^request\/body\/SECRETA{58}… is not a field this request accepts$/,
      ],
      [
        'a body over 2 MB',
        {
          events: [event(60_001, { id: 'x'.repeat(128) })],
          pad: 'y'.repeat(2_200_000),
        },
        413,
        /larger than 2mb/,
      ],
    ])('refuses %s', async (_c, body, status, message) => {
      const before = await rows();
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
      expect(declared('/events', 'post', status, res.body)).toBeUndefined();
      expect(await rows()).toBe(before);
    });

    it('refuses a malformed JSON body without quoting it', async () => {
      const res = await request(backend.server)
        .post(`${API}/events`)
        .set('authorization', mockCredentials.user.header('user:default/wes'))
        .set('content-type', 'application/json')
        .send('{"events": [ {"prompt": "top secret"');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe('request/body is not valid JSON');
    });

    it('takes events from a service with an external-access token, and refuses an anonymous caller', async () => {
      const res = await request(backend.server)
        .post(`${API}/events`)
        .set(
          'authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ai-recommendations'),
            targetPluginId: 'ibias-ai-costs',
          }),
        )
        .send({ events: [event(70_000)] });
      expect(res.status).toBe(200);
      const anonymous = await request(backend.server)
        .post(`${API}/events`)
        .set('authorization', mockCredentials.none.header())
        .send({ events: [event(70_001)] });
      expect(anonymous.status).toBe(401);
      expect(declared('/events', 'post', 401, anonymous.body)).toBeUndefined();
    });

    it('takes a service usage key for its own entity only; a forged or foreign key is refused, nothing written', async () => {
      const keys = createAiUsageKeys(USAGE_KEY_SECRET);
      const withKey = (key: string, body: unknown) =>
        request(backend.server)
          .post(`${API}/events`)
          .set('x-ibias-usage-key', key)
          .send(body as object);
      const own = keys.issue('component:default/ai-recommendations');
      const ok = await withKey(own, {
        events: [event(71_001), event(71_003)],
      });
      expect(ok.status).toBe(200);
      expect(ok.body.accepted).toBe(2);
      const [row] = await knex('ibias_ai_usage_events').where({
        id: 'call-71001',
      });
      expect(row.reported_by).toBe(
        'usage-key:component:default/ai-recommendations',
      );
      expect(row.team).toBe('group:default/ai-team');

      const before = await rows();
      // Its key does not report for another service, even mixed into its own batch.
      const foreign = await withKey(own, {
        events: [event(71_005), event(71_006)],
      });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.message).toBe(
        'This usage key reports for component:default/ai-recommendations only, not for component:default/ibias-api',
      );
      expect(declared('/events', 'post', 403, foreign.body)).toBeUndefined();
      // A key signed with another secret, or another entity under this key's signature.
      const forged = await withKey(
        createAiUsageKeys('x'.repeat(32)).issue('component:default/ibias-api'),
        { events: [event(71_008)] },
      );
      expect(forged.status).toBe(401);
      expect(forged.body.error.message).toBe(
        'The x-ibias-usage-key header does not hold a valid usage key',
      );
      const otlp = await request(backend.server)
        .post(`${API}/otlp/v1/traces`)
        .set('x-ibias-usage-key', 'ibias-usage.v1.abc.def')
        .send({ resourceSpans: [] });
      expect(otlp.status).toBe(401);
      expect(await rows()).toBe(before);
    });

    it('a person reports only for services a group of theirs owns', async () => {
      const before = await rows();
      const foreign = await post(
        {
          events: [
            event(90_000, { entityRef: 'component:default/ibias-api' }),
            event(90_001, {
              entityRef: 'component:default/ai-recommendations',
            }),
          ],
        },
        'user:default/wes',
      );
      expect(foreign.status).toBe(403);
      expect(foreign.body.error.message).toBe(
        'Usage can be reported by a person only for services a group of theirs owns; not for component:default/ai-recommendations (services report with their own token)',
      );
      // Not for an entity nobody owns either (it would land in unattributed).
      const ghost = await post(
        { events: [event(90_002, { entityRef: 'component:default/ghost' })] },
        'user:default/wes',
      );
      expect(ghost.status).toBe(403);
      expect(await rows()).toBe(before);
      const own = await post(
        {
          events: [event(90_003, { entityRef: 'component:default/ibias-api' })],
        },
        'user:default/wes',
      );
      expect(own.body).toMatchObject({ accepted: 1 });
    });

    it('answers 429 with Retry-After once a caller has spent its burst', async () => {
      const answers = [];
      for (let i = 0; i < 45; i++) {
        answers.push(
          await post({ events: [event(80_000 + i)] }, 'external:flood'),
        );
      }
      const statuses = answers.map(a => a.status);
      const refused = answers.filter(a => a.status === 429);
      expect(
        refused.map(a => declared('/events', 'post', 429, a.body)),
      ).toEqual(refused.map(() => undefined));
      const retryAfter = refused[0]?.headers['retry-after'];
      expect(statuses.filter(s => s === 200)).toHaveLength(40);
      expect(statuses.filter(s => s === 429)).toHaveLength(5);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('refuses a costs range that is backwards or too long for its granularity', async () => {
      const backwards = await costs({ from: at(0), to: at(60) });
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toBe('from must be before to');
      const long = await costs({ granularity: 'hour', from: at(40 * 24 * 60) });
      expect(long.body.error.message).toBe(
        'A range by hour is at most 31 days',
      );
      const bad = await costs({ groupBy: 'owner' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/groupBy/);
    });

    it('lists the budgets each caller may see, with spend, thresholds reached and the forecast', async () => {
      const list = (user: string, query: Record<string, string> = {}) =>
        request(backend.server)
          .get(`${API}/budgets`)
          .query(query)
          .set('authorization', mockCredentials.user.header(user));
      const all = await list('user:default/nora');
      expect(declared('/budgets', 'get', 200, all.body)).toBeUndefined();
      expect(all.body.items.map((b: any) => b.budget.id)).toEqual([
        'ai-team',
        'ibias-api',
        'openai',
      ]);
      const team = all.body.items[0];
      // This month's spend of ai-team: what the costs API says of the same days.
      const monthStart = new Date(team.periodStart);
      const month = await costs({
        team: 'group:default/ai-team',
        from: monthStart.toISOString(),
      });
      const spent = month.body.totals[0].costMicros;
      expect(spent).toBeGreaterThan(0);
      expect(team.spentMicros).toBe(spent);
      expect(team.reached).toEqual(
        [50, 80, 100].filter(t => spent * 100 >= 2500 * t),
      );
      expect(team.percent).toBeCloseTo(spent / 25, 9);
      // The calls are from the last hour: a forecast needs spend on a day before today
      // (only when that hour spans midnight) and day 3 of the month or later.
      const today = new Date();
      const midnight = Date.UTC(
        today.getUTCFullYear(),
        today.getUTCMonth(),
        today.getUTCDate(),
      );
      const wholeDayBefore = month.body.rows.some(
        (r: { at: string }) => Date.parse(r.at) < midnight,
      );
      expect(team.forecast.available).toBe(
        wholeDayBefore && today.getUTCDate() >= 3,
      );
      // A week budget has no month-end forecast.
      expect(all.body.items[1].forecast).toBeUndefined();
      // wes (web-team) sees the budget of the service web-team owns, not ai-team's nor the provider's.
      const wes = await list('user:default/wes');
      expect(wes.body.items.map((b: any) => b.budget.id)).toEqual([
        'ibias-api',
      ]);
      const nobody = await list('user:default/nobody');
      expect(nobody.body.items).toEqual([]);
      const filtered = await list('user:default/nora', {
        entityRef: 'component:default/ibias-api',
      });
      expect(filtered.body.items.map((b: any) => b.budget.id)).toEqual([
        'ibias-api',
      ]);
    });

    it('takes OpenTelemetry GenAI spans over OTLP/HTTP JSON, priced like any event; says what it rejected', async () => {
      const kv = (key: string, value: object) => ({ key, value });
      const end = BigInt(NOW - 60_000) * 1_000_000n;
      const span = (spanId: string, model: string, extra: object[] = []) => ({
        traceId: '5b8efff798038103d269b633813fc60c',
        spanId,
        name: `chat ${model}`,
        startTimeUnixNano: String(end - 900_000_000n),
        endTimeUnixNano: String(end),
        attributes: [
          kv('gen_ai.provider.name', { stringValue: 'openai' }),
          kv('gen_ai.request.model', { stringValue: model }),
          kv('gen_ai.usage.input_tokens', { intValue: '1000' }),
          kv('gen_ai.usage.output_tokens', { intValue: '100' }),
          kv('gen_ai.input.messages', {
            stringValue: 'the question, never read',
          }),
          ...extra,
        ],
      });
      const body = {
        resourceSpans: [
          {
            resource: {
              attributes: [
                kv('service.name', { stringValue: 'ai-recommendations' }),
              ],
            },
            scopeSpans: [
              {
                spans: [
                  span('00000000000000a1', 'gpt-4o-mini'),
                  span('00000000000000a2', 'gpt 4o'),
                  {
                    traceId: 'ab',
                    spanId: 'cd',
                    name: 'GET /',
                    attributes: [],
                  },
                ],
              },
            ],
          },
        ],
      };
      const send = () =>
        request(backend.server)
          .post(`${API}/otlp/v1/traces`)
          .set(
            'authorization',
            mockCredentials.service.header({
              onBehalfOf: mockCredentials.service(
                'external:ai-recommendations',
              ),
              targetPluginId: 'ibias-ai-costs',
            }),
          )
          .send(body);
      const before = await rows();
      const res = await send();
      expect(res.status).toBe(200);
      expect(
        declared('/otlp/v1/traces', 'post', 200, res.body),
      ).toBeUndefined();
      // The model with a space is not a model name: rejected, said, not quoted.
      expect(res.body.partialSuccess.rejectedSpans).toBe(1);
      expect(res.body.partialSuccess.errorMessage).toMatch(
        /span\/model must be letters/,
      );
      expect(JSON.stringify(res.body)).not.toMatch(/never read/);
      expect(await rows()).toBe(before + 1);
      const [recorded] = await knex('ibias_ai_usage_events').where({
        id: 'otel-5b8efff798038103d269b633813fc60c-00000000000000a1',
      });
      expect(Number(recorded.cost_micros)).toBe(210);
      expect(Number(recorded.latency_ms)).toBe(900);
      // The exporter retries: nothing changes.
      await send();
      expect(await rows()).toBe(before + 1);
      // Protobuf is not taken; the answer says how to send JSON.
      const proto = await request(backend.server)
        .post(`${API}/otlp/v1/traces`)
        .set('authorization', mockCredentials.user.header('user:default/wes'))
        .set('content-type', 'application/x-protobuf')
        .send(Buffer.from([0x0a, 0x00]));
      expect(proto.status).toBe(415);
      expect(proto.body.error.message).toMatch(/http\/json/);

      // An export of more than one batch is refused whole: nothing of it is recorded
      // (before, a refusal of a later part left the first 1,000 recorded).
      const many = {
        resourceSpans: [
          {
            ...body.resourceSpans[0],
            scopeSpans: [
              {
                spans: Array.from({ length: 1001 }, (_, i) =>
                  span(`b${i.toString(16).padStart(15, '0')}`, 'gpt-4o-mini'),
                ),
              },
            ],
          },
        ],
      };
      const tooMany = await request(backend.server)
        .post(`${API}/otlp/v1/traces`)
        .set(
          'authorization',
          mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:ai-recommendations'),
            targetPluginId: 'ibias-ai-costs',
          }),
        )
        .send(many);
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.error.message).toMatch(
        /At most 1000 GenAI spans an export, not 1001/,
      );
      expect(await rows()).toBe(before + 1);
    });

    it('answers /health without a token', async () => {
      const res = await request(backend.server).get(`${API}/health`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'up',
        checks: { database: { status: 'up' } },
      });
    });

    it('serves exactly the documented routes', () => {
      expect(Object.keys(spec.paths).sort()).toEqual([
        '/alerts',
        '/alerts/{id}/acknowledge',
        '/alerts/{id}/snooze',
        '/budgets',
        '/costs',
        '/costs/export.csv',
        '/deploy-costs',
        '/events',
        '/export/focus.csv',
        '/health',
        '/otlp/v1/traces',
        '/reprice',
      ]);
    });
  },
);

import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  ibiasTestDatabaseIds,
  postgresRequired,
} from '@internal/ibias-test-utils';
import { withDefaults } from '@internal/plugin-ibias-ai-costs-common';
import { KnexUsageStore } from './KnexUsageStore';
import type { CostQuery, RecordedEvent } from './UsageStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function recorded(
  i: number,
  overrides: Partial<RecordedEvent> = {},
): RecordedEvent {
  return {
    ...withDefaults({
      id: `call-${i}`,
      // Spread over three days and every hour.
      timestamp: new Date(T0 + ((i * 3_599_999) % (3 * DAY))).toISOString(),
      entityRef: 'component:default/ai-recommendations',
      provider: i % 3 === 0 ? 'replicate' : 'openai',
      model: ['mistral-7b', 'gpt-4o', 'gpt-4o-mini'][i % 3],
      inputTokens: 100 + i,
      outputTokens: 10 + (i % 7),
      cachedInputTokens: i % 5,
      seconds: i % 3 === 0 ? 1.25 : 0,
      latencyMs: 200 + i,
      status: i % 11 === 0 ? 'error' : 'success',
    }),
    entityRef:
      i % 4 === 0
        ? 'component:default/ibias-api'
        : 'component:default/ai-recommendations',
    team: i % 4 === 0 ? 'group:default/web-team' : 'group:default/ai-team',
    costMicros: i % 13 === 0 ? null : 1000 + i,
    priceId: i % 13 === 0 ? null : 'p',
    reportedBy: 'user:default/guest',
    ...overrides,
  };
}

const NOW = new Date('2026-12-04T00:00:00Z');
const query = (o: Partial<CostQuery> = {}): CostQuery => ({
  from: T0,
  to: T0 + 3 * DAY,
  period: 'day',
  groupBy: 'team',
  ...o,
});

async function storeOn(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const store = await KnexUsageStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  return { knex, store };
}

it('runs on PostgreSQL too when CI asks for it', () => {
  expect(ibiasTestDatabaseIds().length).toBe(postgresRequired() ? 2 : 1);
});

describe.each(databases.eachSupportedId())('KnexUsageStore on %s', id => {
  it('records a batch with its rollups; the same totals from rollups and from raw events', async () => {
    const { store } = await storeOn(id);
    expect(await store.hasUsage()).toBe(false);
    const events = Array.from({ length: 600 }, (_, i) => recorded(i));
    const inserted = await store.ingest(events, NOW);
    expect(await store.hasUsage()).toBe(true);
    expect(inserted).toHaveLength(600);
    for (const groupBy of ['team', 'entity', 'provider', 'model'] as const) {
      for (const period of ['day', 'hour'] as const) {
        const q = query({ groupBy, period });
        expect(await store.costs(q)).toEqual(await store.costsFromEvents(q));
      }
    }
    const total = (await store.costs(query())).reduce(
      (sum, r) => ({
        cost: sum.cost + r.costMicros,
        calls: sum.calls + r.calls,
        unpriced: sum.unpriced + r.unpricedCalls,
        errors: sum.errors + r.errors,
      }),
      { cost: 0, calls: 0, unpriced: 0, errors: 0 },
    );
    const expected = events.reduce(
      (sum, e) => ({
        cost: sum.cost + (e.costMicros ?? 0),
        calls: sum.calls + 1,
        unpriced: sum.unpriced + (e.costMicros === null ? 1 : 0),
        errors: sum.errors + (e.status === 'error' ? 1 : 0),
      }),
      { cost: 0, calls: 0, unpriced: 0, errors: 0 },
    );
    expect(total).toEqual(expected);
  });

  it('a replayed batch changes nothing, and a batch with old and new ids adds the new only', async () => {
    const { knex, store } = await storeOn(id);
    const events = Array.from({ length: 50 }, (_, i) => recorded(i));
    await store.ingest(events, NOW);
    const before = await store.costs(query({ groupBy: 'model' }));
    expect(await store.ingest(events, NOW)).toEqual([]);
    expect(await store.costs(query({ groupBy: 'model' }))).toEqual(before);
    const mixed = [...events.slice(0, 10), recorded(1000)];
    expect((await store.ingest(mixed, NOW)).map(e => e.id)).toEqual([
      'call-1000',
    ]);
    const [{ n }] = await knex('ibias_ai_usage_events').count({ n: '*' });
    expect(Number(n)).toBe(51);
  });

  it('two ingestions of one batch at once count it once', async () => {
    const { store } = await storeOn(id);
    const events = Array.from({ length: 200 }, (_, i) => recorded(i));
    const [a, b] = await Promise.all([
      store.ingest(events, NOW),
      store.ingest(events, NOW),
    ]);
    expect(a.length + b.length).toBe(200);
    const calls = (await store.costs(query())).reduce((s, r) => s + r.calls, 0);
    expect(calls).toBe(200);
  });

  it('filters by team and entity, and knows the teams of a range', async () => {
    const { store } = await storeOn(id);
    await store.ingest(
      Array.from({ length: 40 }, (_, i) => recorded(i)),
      NOW,
    );
    expect((await store.teams(T0, T0 + 3 * DAY)).sort()).toEqual([
      'group:default/ai-team',
      'group:default/web-team',
    ]);
    const web = await store.costs(query({ teams: ['group:default/web-team'] }));
    expect(new Set(web.map(r => r.key))).toEqual(
      new Set(['group:default/web-team']),
    );
    expect(await store.costs(query({ teams: [] }))).toEqual([]);
    const api = await store.costs(
      query({ groupBy: 'entity', entityRef: 'component:default/ibias-api' }),
    );
    expect(new Set(api.map(r => r.key))).toEqual(
      new Set(['component:default/ibias-api']),
    );
    // Nothing before the range, nothing after.
    expect(await store.costs(query({ from: T0 - DAY, to: T0 }))).toEqual([]);
  });
});

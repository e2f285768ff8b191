import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { withDefaults } from '@internal/plugin-ibias-ai-costs-common';
import { deleteExpiredEvents } from '../service/retention';
import { KnexUsageLedgerStore } from './KnexUsageLedgerStore';
import { KnexUsageStore } from './KnexUsageStore';
import type { PricedAs, PricingInput, RollupLine } from './UsageLedgerStore';
import type { CostQuery, RecordedEvent } from './UsageStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const NOW = new Date('2026-12-04T00:00:00Z');

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
      hardware: i % 3 === 0 ? 'gpu-t4' : undefined,
      latencyMs: 200 + i,
      status: i % 11 === 0 ? 'error' : 'success',
      cacheHit: i % 17 === 0,
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

const query = (o: Partial<CostQuery> = {}): CostQuery => ({
  from: T0,
  to: T0 + 3 * DAY,
  period: 'day',
  groupBy: 'team',
  ...o,
});

async function storesOn(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database = { getClient: async () => knex, migrations: { skip: false } };
  const store = await KnexUsageStore.create(database);
  const ledger = await KnexUsageLedgerStore.create(database);
  return { knex, store, ledger };
}

/** Every grouping and period: the rollups say what the raw events say. */
async function expectRollupsMatchEvents(store: KnexUsageStore) {
  for (const groupBy of ['team', 'entity', 'provider', 'model'] as const) {
    for (const period of ['day', 'hour'] as const) {
      const q = query({ groupBy, period });
      expect(await store.costs(q)).toEqual(await store.costsFromEvents(q));
    }
  }
}

/** A price book as a function: the gpt-4o calls cost double what the tokens say. */
const doubleGpt4o = (e: PricingInput): PricedAs =>
  e.model === 'gpt-4o'
    ? {
        costMicros: 2 * (e.inputTokens + e.outputTokens),
        priceId: 'gpt-4o@new',
      }
    : { costMicros: null, priceId: null };

describe.each(databases.eachSupportedId())('KnexUsageLedgerStore on %s', id => {
  it('pages the daily rollup lines in key order, filtered by team, and they add up to the rollups', async () => {
    const { store, ledger } = await storesOn(id);
    await store.ingest(
      Array.from({ length: 300 }, (_, i) => recorded(i)),
      NOW,
    );
    const range = { from: T0, to: T0 + 3 * DAY };
    const all = await ledger.dailyLines(range, undefined, 10_000);
    const paged: RollupLine[] = [];
    let cursor: RollupLine | undefined;
    for (;;) {
      const page = await ledger.dailyLines(range, cursor, 7);
      paged.push(...page);
      if (page.length < 7) break;
      cursor = page[page.length - 1];
    }
    expect(paged).toEqual(all);
    // Three days × two teams × (one or two services) × three models.
    expect(all.length).toBeGreaterThan(12);
    const keys = all.map(l =>
      [l.day, l.team, l.entityRef, l.provider, l.model].join('|'),
    );
    expect(new Set(keys).size).toBe(keys.length);
    const byTeam = await store.costs(query());
    const sum = (lines: RollupLine[], team: string) =>
      lines.filter(l => l.team === team).reduce((s, l) => s + l.costMicros, 0);
    for (const row of byTeam) {
      expect(sum(all, row.key)).toBe(
        byTeam
          .filter(r => r.key === row.key)
          .reduce((s, r) => s + r.costMicros, 0),
      );
    }
    const web = await ledger.dailyLines(
      { ...range, teams: ['group:default/web-team'] },
      undefined,
      10_000,
    );
    expect(new Set(web.map(l => l.team))).toEqual(
      new Set(['group:default/web-team']),
    );
    expect(
      await ledger.dailyLines({ ...range, teams: [] }, undefined, 10),
    ).toEqual([]);
    expect(
      await ledger.dailyLines({ from: T0 - DAY, to: T0 }, undefined, 10),
    ).toEqual([]);
  });

  it('re-prices the window only, adjusts the rollups to match the raw events, and counts the change', async () => {
    const { knex, store, ledger } = await storesOn(id);
    const events = Array.from({ length: 400 }, (_, i) => recorded(i));
    await store.ingest(events, NOW);
    // Day two only, and only gpt-4o: the rest keeps its prices.
    const window = { from: T0 + DAY, to: T0 + 2 * DAY, model: 'gpt-4o' };
    const inWindow = events.filter(e => {
      const at = Date.parse(e.timestamp);
      return e.model === 'gpt-4o' && at >= window.from && at < window.to;
    });
    const outside = events.filter(e => !inWindow.includes(e));
    const counts = await ledger.reprice(window, doubleGpt4o);
    const expectedAfter = inWindow.reduce(
      (s, e) => s + 2 * (e.inputTokens + e.outputTokens),
      0,
    );
    const before = inWindow.reduce((s, e) => s + (e.costMicros ?? 0), 0);
    expect(counts).toEqual({
      events: inWindow.length,
      repriced: inWindow.length,
      rollupRows: expect.any(Number),
      costBeforeMicros: before,
      costAfterMicros: expectedAfter,
      unpricedBefore: inWindow.filter(e => e.costMicros === null).length,
      unpricedAfter: 0,
    });
    expect(counts.rollupRows).toBeGreaterThan(0);
    await expectRollupsMatchEvents(store);
    // The events outside the window are as they were.
    const rows = await knex('ibias_ai_usage_events')
      .whereIn(
        'id',
        outside.map(e => e.id),
      )
      .select('id', 'cost_micros', 'price_id');
    const was = new Map(outside.map(e => [e.id, e]));
    for (const r of rows) {
      const e = was.get(r.id)!;
      expect(r.cost_micros === null ? null : Number(r.cost_micros)).toBe(
        e.costMicros,
      );
      expect(r.price_id).toBe(e.priceId);
    }
    // Once more with the same book: nothing changes.
    const again = await ledger.reprice(window, doubleGpt4o);
    expect(again).toMatchObject({
      events: inWindow.length,
      repriced: 0,
      rollupRows: 0,
      costBeforeMicros: expectedAfter,
      costAfterMicros: expectedAfter,
    });
  });

  it('an event no price covers any more becomes unpriced (not $0), in its rollups too', async () => {
    const { store, ledger } = await storesOn(id);
    const events = Array.from({ length: 60 }, (_, i) => recorded(i));
    await store.ingest(events, NOW);
    const counts = await ledger.reprice({ from: T0, to: T0 + 3 * DAY }, () => ({
      costMicros: null,
      priceId: null,
    }));
    expect(counts.unpricedAfter).toBe(60);
    expect(counts.costAfterMicros).toBe(0);
    const total = (await store.costs(query())).reduce(
      (s, r) => ({
        cost: s.cost + r.costMicros,
        unpriced: s.unpriced + r.unpricedCalls,
      }),
      { cost: 0, unpriced: 0 },
    );
    expect(total).toEqual({ cost: 0, unpriced: 60 });
    await expectRollupsMatchEvents(store);
  });

  it('passes each event to the price book as it was reported', async () => {
    const { store, ledger } = await storesOn(id);
    const events = [recorded(3), recorded(17), recorded(5)];
    await store.ingest(events, NOW);
    const seen: PricingInput[] = [];
    await ledger.reprice({ from: T0, to: T0 + 3 * DAY }, e => {
      seen.push(e);
      return { costMicros: 1, priceId: 'one' };
    });
    const expected = events.map(e => ({
      timestamp: new Date(Date.parse(e.timestamp)).toISOString(),
      provider: e.provider,
      model: e.model,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      cachedInputTokens: e.cachedInputTokens,
      seconds: e.seconds,
      hardware: e.hardware,
      cacheHit: e.cacheHit,
    }));
    const byTime = (a: PricingInput, b: PricingInput) =>
      a.timestamp.localeCompare(b.timestamp);
    expect([...seen].sort(byTime)).toEqual([...expected].sort(byTime));
  });

  it('two re-pricings of one window at once change each event once', async () => {
    const { store, ledger } = await storesOn(id);
    await store.ingest(
      Array.from({ length: 300 }, (_, i) => recorded(i)),
      NOW,
    );
    const window = { from: T0, to: T0 + 3 * DAY };
    const results = await Promise.allSettled([
      ledger.reprice(window, doubleGpt4o),
      ledger.reprice(window, doubleGpt4o),
    ]);
    const done = results.flatMap(r =>
      r.status === 'fulfilled' ? [r.value] : [],
    );
    expect(done.length).toBeGreaterThan(0);
    await expectRollupsMatchEvents(store);
  });

  it('deletes raw events past the retention in batches and keeps the rollups', async () => {
    const { knex, store, ledger } = await storesOn(id);
    await store.ingest(
      Array.from({ length: 250 }, (_, i) => recorded(i)),
      NOW,
    );
    const rollupsBefore = await store.costs(query({ period: 'hour' }));
    // Day one and two are past a retention that keeps from day three on.
    const now = new Date(T0 + 2 * DAY + 10 * DAY + 5 * HOUR);
    const old = Number(
      (
        await knex('ibias_ai_usage_events')
          .where('occurred_at', '<', T0 + 2 * DAY)
          .count({ n: '*' })
      )[0].n,
    );
    expect(old).toBeGreaterThan(100);
    const deleted = await deleteExpiredEvents({
      ledger,
      retentionDays: 10,
      now,
      batchSize: 40,
    });
    expect(deleted).toBe(old);
    const left = await knex('ibias_ai_usage_events').select('occurred_at');
    expect(left.length).toBe(250 - old);
    expect(left.every(r => Number(r.occurred_at) >= T0 + 2 * DAY)).toBe(true);
    expect(await store.costs(query({ period: 'hour' }))).toEqual(rollupsBefore);
    // Nothing more to delete.
    expect(await deleteExpiredEvents({ ledger, retentionDays: 10, now })).toBe(
      0,
    );
  });
});

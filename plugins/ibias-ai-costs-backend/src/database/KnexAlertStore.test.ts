import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  p95FromBuckets,
  withDefaults,
} from '@internal/plugin-ibias-ai-costs-common';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { NewAlert } from './AlertStore';
import { KnexAlertStore } from './KnexAlertStore';
import { KnexUsageStore } from './KnexUsageStore';
import type { RecordedEvent } from './UsageStore';
import { deleteExpiredAlerts } from '../service/retention';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-10T08:00:00Z');
const NOW = new Date('2026-12-10T12:00:00Z');

const API = 'component:default/ibias-api';
const RECS = 'component:default/ai-recommendations';
const WEB = 'group:default/web-team';
const AI = 'group:default/ai-team';

function call(
  id: string,
  at: number,
  latencyMs: number,
  overrides: Partial<RecordedEvent> = {},
): RecordedEvent {
  return {
    ...withDefaults({
      id,
      timestamp: new Date(at).toISOString(),
      entityRef: API,
      provider: 'openai',
      model: 'gpt-4o',
      inputTokens: 100,
      outputTokens: 10,
      latencyMs,
      status: 'success',
    }),
    entityRef: API,
    team: WEB,
    costMicros: 1000,
    priceId: 'p',
    reportedBy: 'user:default/guest',
    ...overrides,
  };
}

const alert = (o: Partial<NewAlert> = {}): NewAlert => ({
  ruleId: 'ai_high_latency',
  scopeKind: 'entity',
  scopeRef: API,
  team: WEB,
  entityRef: API,
  state: 'firing',
  firstSeen: T0,
  lastSeen: T0,
  firedAt: T0,
  value: 12_000,
  threshold: 10_000,
  detail: { calls: 30 },
  ...o,
});

async function storesOn(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const usage = await KnexUsageStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  return { knex, usage, alerts: new KnexAlertStore(knex) };
}

describe.each(databases.eachSupportedId())('KnexAlertStore on %s', id => {
  it('counts latencies into the hourly rollups on ingest, per hour, service and team', async () => {
    const { usage, alerts } = await storesOn(id);
    const latencies = [50, 120, 300, 900, 2_000, 4_000, 9_999, 10_000, 15_000];
    const events = [
      // Hour 08: every bucket but the slowest, across two models (summed).
      ...latencies.map((ms, i) =>
        call(`a${i}`, T0 + i * 60_000, ms, {
          model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
        }),
      ),
      // Hour 09: two slow calls of another service and team.
      call('b1', T0 + HOUR + 1, 70_000, { entityRef: RECS, team: AI }),
      call('b2', T0 + HOUR + 2, 25_000, {
        entityRef: RECS,
        team: AI,
        status: 'error',
      }),
    ];
    await usage.ingest(events, NOW);
    // A second batch adds to the same rows.
    await usage.ingest([call('a-late', T0 + 30 * 60_000, 50)], NOW);

    const rows = await alerts.hourlyUsage({ from: T0, to: T0 + 2 * HOUR });
    expect(rows.map(r => [r.bucket - T0, r.entityRef, r.team])).toEqual([
      [0, API, WEB],
      [HOUR, RECS, AI],
    ]);
    const expected = new Array(LATENCY_BUCKET_COUNT).fill(0);
    for (const ms of [...latencies, 50]) expected[latencyBucketIndex(ms)] += 1;
    expect(rows[0]).toMatchObject({
      calls: 10,
      errors: 0,
      costMicros: 10_000,
      latencyBuckets: expected,
    });
    expect(rows[1]).toMatchObject({ calls: 2, errors: 1, costMicros: 2000 });
    // 25 s in (20 s, 30 s], 70 s past the last bound.
    expect(rows[1].latencyBuckets.slice(-3)).toEqual([1, 0, 1]);
    expect(p95FromBuckets(rows[1].latencyBuckets)).toBe(60_000);

    // By exact buckets and by service.
    expect(
      await alerts.hourlyUsage({ buckets: [T0 + HOUR], entityRefs: [RECS] }),
    ).toHaveLength(1);
    expect(await alerts.hourlyUsage({ buckets: [] })).toEqual([]);
    expect(
      await alerts.hourlyUsage({ from: T0, to: T0 + HOUR, entityRefs: [RECS] }),
    ).toEqual([]);
  });

  it('opens one alert per rule and scope, whoever asks at once', async () => {
    const { alerts } = await storesOn(id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => alerts.create(alert(), T0)),
    );
    const created = results.filter(r => r !== undefined);
    expect(created).toHaveLength(1);
    expect(await alerts.open('ai_high_latency', API)).toEqual(created[0]);
    // Another rule, or another scope, is another alert.
    expect(
      await alerts.create(alert({ ruleId: 'ai_high_error_rate' }), T0),
    ).toBeDefined();
    expect(
      await alerts.create(alert({ scopeRef: RECS, entityRef: RECS }), T0),
    ).toBeDefined();
    expect(await alerts.openAlerts()).toHaveLength(3);
  });

  it('changes state compare-and-set; resolving frees the rule and scope', async () => {
    const { alerts } = await storesOn(id);
    const first = (await alerts.create(alert(), T0))!;
    // Not in the state the caller saw: nothing changes.
    expect(
      await alerts.transition(
        first.id,
        'acknowledged',
        { state: 'snoozed' },
        T0,
      ),
    ).toBeUndefined();
    const acked = await alerts.transition(
      first.id,
      'firing',
      {
        state: 'acknowledged',
        acknowledgedBy: 'user:default/wes',
        acknowledgedAt: T0 + 1,
      },
      T0 + 1,
    );
    expect(acked).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'user:default/wes',
      acknowledgedAt: T0 + 1,
      value: 12_000,
      detail: { calls: 30 },
    });
    // Two at once from the same state: one wins.
    const both = await Promise.all([
      alerts.transition(
        first.id,
        'acknowledged',
        { state: 'snoozed', snoozedUntil: T0 + HOUR },
        T0 + 2,
      ),
      alerts.transition(
        first.id,
        'acknowledged',
        { state: 'resolved', resolvedAt: T0 + 2 },
        T0 + 2,
      ),
    ]);
    expect(both.filter(b => b !== undefined)).toHaveLength(1);
    const current = (await alerts.get(first.id))!;
    if (current.state === 'snoozed') {
      await alerts.transition(
        first.id,
        'snoozed',
        { state: 'resolved', resolvedAt: T0 + 3 },
        T0 + 3,
      );
    }
    expect(await alerts.open('ai_high_latency', API)).toBeUndefined();
    const second = await alerts.create(
      alert({ firstSeen: T0 + 2 * HOUR, firedAt: T0 + 2 * HOUR }),
      T0 + 2 * HOUR,
    );
    expect(second).toBeDefined();
    expect(await alerts.lastFiredAt('ai_high_latency', API)).toBe(
      T0 + 2 * HOUR,
    );
    expect(await alerts.lastFiredAt('ai_high_latency', RECS)).toBeUndefined();
    // A cleared optional field reads as absent.
    const snoozed = await alerts.transition(
      second!.id,
      'firing',
      {
        state: 'snoozed',
        snoozedUntil: T0 + 3 * HOUR,
        snoozedBy: 'user:default/wes',
      },
      T0 + 2 * HOUR,
    );
    const shown = await alerts.transition(
      second!.id,
      'snoozed',
      { state: 'firing', snoozedUntil: null, snoozedBy: null },
      T0 + 3 * HOUR,
    );
    expect(snoozed?.snoozedUntil).toBe(T0 + 3 * HOUR);
    expect(shown?.snoozedUntil).toBeUndefined();
    expect(shown?.snoozedBy).toBeUndefined();
  });

  it('moves a snoozed alert back to firing only if its snooze ended: a later snooze stands', async () => {
    const { alerts } = await storesOn(id);
    const a = (await alerts.create(alert(), T0))!;
    await alerts.transition(
      a.id,
      'firing',
      {
        state: 'snoozed',
        snoozedUntil: T0 + HOUR,
        snoozedBy: 'user:default/wes',
      },
      T0,
    );
    // The evaluation read it at T0 + HOUR (snooze over); someone snoozes it again first.
    await alerts.transition(
      a.id,
      'snoozed',
      {
        state: 'snoozed',
        snoozedUntil: T0 + 3 * HOUR,
        snoozedBy: 'user:default/ava',
      },
      T0 + HOUR,
    );
    const refire = {
      state: 'firing' as const,
      firedAt: T0 + HOUR,
      snoozedUntil: null,
      snoozedBy: null,
    };
    expect(
      await alerts.transition(a.id, 'snoozed', refire, T0 + HOUR, {
        snoozeEndedBy: T0 + HOUR,
      }),
    ).toBeUndefined();
    expect(await alerts.get(a.id)).toMatchObject({
      state: 'snoozed',
      snoozedUntil: T0 + 3 * HOUR,
      snoozedBy: 'user:default/ava',
    });
    // Once that snooze is over too, it fires again.
    expect(
      await alerts.transition(a.id, 'snoozed', refire, T0 + 3 * HOUR, {
        snoozeEndedBy: T0 + 3 * HOUR,
      }),
    ).toMatchObject({ state: 'firing', snoozedUntil: undefined });
  });

  it('deletes resolved alerts past the retention, a batch at a time; open ones stay', async () => {
    const { alerts } = await storesOn(id);
    const DAY = 24 * HOUR;
    const now = new Date(T0 + 100 * DAY);
    const resolvedAt = async (ruleId: string, at: number) => {
      const a = (await alerts.create(
        alert({ ruleId, firstSeen: at, lastSeen: at, firedAt: at }),
        at,
      ))!;
      await alerts.transition(
        a.id,
        'firing',
        { state: 'resolved', resolvedAt: at + 1 },
        at + 1,
      );
      return a.id;
    };
    // Resolved 99 and 95 days ago (past 90 days' retention), and 10 days ago.
    const old1 = await resolvedAt('r1', T0 + DAY);
    const old2 = await resolvedAt('r2', T0 + 5 * DAY);
    const recent = await resolvedAt('r3', T0 + 90 * DAY);
    // Open, fired long ago: kept whatever its age.
    const open = (await alerts.create(alert({ ruleId: 'r4' }), T0))!.id;
    const snoozed = (await alerts.create(alert({ ruleId: 'r5' }), T0))!;
    await alerts.transition(
      snoozed.id,
      'firing',
      { state: 'snoozed', snoozedUntil: T0 + HOUR },
      T0,
    );

    const deleted = await deleteExpiredAlerts({
      alerts,
      retentionDays: 90,
      now,
      batchSize: 1,
    });
    expect(deleted).toBe(2);
    for (const gone of [old1, old2]) {
      expect(await alerts.get(gone)).toBeUndefined();
    }
    for (const kept of [recent, open, snoozed.id]) {
      expect(await alerts.get(kept)).toBeDefined();
    }
    // A cooldown longer than the retention keeps the latest firings it is measured from.
    const another = await resolvedAt('r6', T0 + 5 * DAY);
    expect(
      await deleteExpiredAlerts({
        alerts,
        retentionDays: 90,
        now,
        keepMs: 96 * DAY,
      }),
    ).toBe(0);
    expect(await alerts.lastFiredAt('r6', API)).toBe(T0 + 5 * DAY);
    expect(await deleteExpiredAlerts({ alerts, retentionDays: 90, now })).toBe(
      1,
    );
    expect(await alerts.get(another)).toBeUndefined();
  });

  it('lists by view, team and service; a snooze hides an alert until it ends', async () => {
    const { alerts } = await storesOn(id);
    const firing = (await alerts.create(alert({ firedAt: T0 }), T0))!;
    const snoozed = (await alerts.create(
      alert({ ruleId: 'ai_high_error_rate', firedAt: T0 + 1 }),
      T0,
    ))!;
    await alerts.transition(
      snoozed.id,
      'firing',
      { state: 'snoozed', snoozedUntil: T0 + HOUR },
      T0,
    );
    const theirs = (await alerts.create(
      alert({ scopeRef: RECS, entityRef: RECS, team: AI, firedAt: T0 + 2 }),
      T0,
    ))!;
    const resolved = (await alerts.create(
      alert({ ruleId: 'ai_high_cost', firedAt: T0 + 3 }),
      T0,
    ))!;
    await alerts.transition(
      resolved.id,
      'firing',
      { state: 'resolved', resolvedAt: T0 + 4 },
      T0 + 4,
    );
    const ids = async (
      filter: Partial<Parameters<KnexAlertStore['list']>[0]>,
    ) =>
      (
        await alerts.list({
          view: 'active',
          limit: 100,
          now: T0 + 10,
          ...filter,
        })
      ).map(a => a.id);

    expect(await ids({})).toEqual([theirs.id, firing.id]);
    expect(await ids({ view: 'snoozed' })).toEqual([snoozed.id]);
    // Past its end, the snoozed alert is active again (and no longer "snoozed").
    expect(await ids({ now: T0 + HOUR })).toEqual([
      theirs.id,
      snoozed.id,
      firing.id,
    ]);
    expect(await ids({ view: 'snoozed', now: T0 + HOUR })).toEqual([]);
    expect(await ids({ view: 'open' })).toEqual([
      theirs.id,
      snoozed.id,
      firing.id,
    ]);
    expect(await ids({ view: 'resolved' })).toEqual([resolved.id]);
    // Open first, then the latest to fire.
    expect(await ids({ view: 'all' })).toEqual([
      theirs.id,
      snoozed.id,
      firing.id,
      resolved.id,
    ]);
    expect(await ids({ teams: [WEB] })).toEqual([firing.id]);
    expect(await ids({ teams: [] })).toEqual([]);
    expect(await ids({ entityRef: RECS })).toEqual([theirs.id]);
    expect(await ids({ view: 'all', limit: 1 })).toEqual([theirs.id]);
    expect((await alerts.teams()).sort()).toEqual([AI, WEB]);
    expect(await alerts.teams(RECS)).toEqual([AI]);
  });

  it('its migration goes down and up again, the rollups kept', async () => {
    const { knex, usage, alerts } = await storesOn(id);
    await usage.ingest([call('kept', T0, 15_000)], NOW);
    const directory = resolvePackagePath(
      '@internal/plugin-ibias-ai-costs-backend',
      'migrations',
    );
    await knex.migrate.down({ directory, name: '20261209100000_alerts.js' });
    expect(await knex.schema.hasTable('ibias_ai_alerts')).toBe(false);
    expect(
      await knex.schema.hasColumn('ibias_ai_usage_rollup', 'latency_le_100'),
    ).toBe(false);
    expect(
      Number((await knex('ibias_ai_usage_rollup').count({ n: '*' }))[0].n),
    ).toBe(2);
    await knex.migrate.up({ directory, name: '20261209100000_alerts.js' });
    // Rolled up before the buckets existed: no latency known.
    const [row] = await alerts.hourlyUsage({ from: T0, to: T0 + HOUR });
    expect(row.calls).toBe(1);
    expect(p95FromBuckets(row.latencyBuckets)).toBeNull();
  });
});

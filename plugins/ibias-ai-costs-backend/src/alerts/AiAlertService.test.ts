import {
  mockCredentials,
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { withDefaults } from '@internal/plugin-ibias-ai-costs-common';
import type { AlertStore, StoredAiAlert } from '../database/AlertStore';
import { KnexAlertStore } from '../database/KnexAlertStore';
import { KnexUsageStore } from '../database/KnexUsageStore';
import type { RecordedEvent } from '../database/UsageStore';
import { AiAlertService } from './AiAlertService';
import { AlertEvaluator } from './AlertEvaluator';
import { allRules, readAiAlertSettings } from './alertSettings';
import type { DeployHistory, DeployRecord } from './DeployHistory';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 10:00 UTC on the day the tests run in. */
const T10 = Date.parse('2026-12-10T10:00:00Z');
const at = (hhmm: string) => Date.parse(`2026-12-10T${hhmm}:00Z`);

const API = 'component:default/ibias-api';
const RECS = 'component:default/ai-recommendations';
const SEARCH = 'component:default/web-search';
const ETL = 'component:default/etl';
const LOADER = 'component:default/loader';
const WEB = 'group:default/web-team';
const AI = 'group:default/ai-team';
const DATA = 'group:default/data-team';

let seq = 0;
/** `n` calls of a service spread over [from, from + spanMs). */
function calls(
  n: number,
  from: number,
  o: {
    entityRef?: string;
    team?: string;
    latencyMs?: number;
    errors?: number;
    costMicros?: number;
    spanMs?: number;
  } = {},
): RecordedEvent[] {
  const span = o.spanMs ?? 10 * MINUTE;
  return Array.from({ length: n }, (_, i) => {
    seq += 1;
    return {
      ...withDefaults({
        id: `call-${seq}`,
        timestamp: new Date(from + Math.floor((i * span) / n)).toISOString(),
        entityRef: o.entityRef ?? API,
        provider: 'openai',
        model: 'gpt-4o',
        inputTokens: 100,
        outputTokens: 10,
        latencyMs: o.latencyMs ?? 400,
        status: i < (o.errors ?? 0) ? 'error' : 'success',
      }),
      entityRef: o.entityRef ?? API,
      team: o.team ?? WEB,
      costMicros: o.costMicros ?? 1000,
      priceId: 'p',
      reportedBy: 'user:default/guest',
    };
  });
}

async function setup(id: TestDatabaseId, alertsConfig: JsonObject = {}) {
  const knex = await databases.init(id);
  const usage = await KnexUsageStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  const store = new KnexAlertStore(knex);
  const settings = readAiAlertSettings(
    new ConfigReader({ ibias: { aiCosts: { alerts: alertsConfig } } }),
  );
  const clock = { now: T10 };
  let deploys: DeployRecord[] | undefined = [];
  const history: DeployHistory = { deploys: async () => deploys };
  const fired: StoredAiAlert[] = [];
  const changed: StoredAiAlert[] = [];
  const make = (alertStore: AlertStore = store) =>
    new AiAlertService({
      store: alertStore,
      evaluator: new AlertEvaluator({
        store: alertStore,
        settings,
        deploys: history,
      }),
      rules: allRules(settings),
      permissions: mockServices.permissions(),
      delivery: {
        fired: async a => {
          fired.push(a);
        },
        changed: async a => {
          changed.push(a);
        },
      },
      logger: mockServices.logger.mock(),
      now: () => clock.now,
    });
  const service = make();
  return {
    knex,
    usage,
    store,
    service,
    make,
    clock,
    fired,
    changed,
    setDeploys: (d: DeployRecord[] | undefined) => {
      deploys = d;
    },
    ingest: (events: RecordedEvent[]) =>
      usage.ingest(events, new Date(clock.now)),
    /** Firings of one rule, as [rule, scope] pairs. */
    firedOf: (rule: string) =>
      fired.filter(a => a.ruleId === rule).map(a => a.scopeRef),
  };
}

const user = mockCredentials.user('user:default/wes');

describe.each(databases.eachSupportedId())(
  'AI cost alerts on %s, under a controlled clock',
  databaseId => {
    it('p95 latency: fires once, refreshes, resolves when it clears, then waits out the cooldown', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(30, at('10:05'), { latencyMs: 12_000 }));
      const first = await t.service.evaluate();
      expect(first.fired.map(a => [a.ruleId, a.scopeRef])).toEqual([
        ['ai_high_latency', API],
      ]);
      expect(t.fired).toHaveLength(1);
      expect(t.fired[0]).toMatchObject({
        state: 'firing',
        team: WEB,
        entityRef: API,
        scopeKind: 'entity',
        threshold: 10_000,
        detail: { calls: 30 },
      });
      // 12 s lands in (10 s, 20 s]: the p95 is interpolated inside it.
      expect(t.fired[0].value).toBeGreaterThan(10_000);

      // Still breached five minutes later: the same alert, no second firing.
      t.clock.now = at('10:35');
      await t.ingest(calls(5, at('10:31'), { latencyMs: 15_000 }));
      expect((await t.service.evaluate()).fired).toEqual([]);
      expect(t.fired).toHaveLength(1);
      const open = (await t.store.open('ai_high_latency', API))!;
      expect(open).toMatchObject({ id: t.fired[0].id, lastSeen: at('10:35') });
      expect(open.detail.calls).toBe(35);

      // The next hour is fast; at 11:20 the 15 minutes are all in it: resolved (and signalled).
      t.clock.now = at('11:20');
      await t.ingest(calls(25, at('11:00'), { latencyMs: 300 }));
      expect((await t.service.evaluate()).resolved).toBe(1);
      expect(await t.store.get(open.id)).toMatchObject({
        state: 'resolved',
        resolvedAt: at('11:20'),
      });
      expect(t.changed.map(a => a.state)).toEqual(['firing', 'resolved']);

      // Slow again inside the hour's cooldown of the 10:30 firing: quiet.
      t.clock.now = at('11:25');
      await t.ingest(calls(30, at('11:10'), { latencyMs: 30_000 }));
      expect((await t.service.evaluate()).fired).toEqual([]);
      expect(await t.store.open('ai_high_latency', API)).toBeUndefined();

      // The cooldown over: a new alert.
      t.clock.now = at('11:30');
      const again = await t.service.evaluate();
      expect(again.fired).toHaveLength(1);
      expect(again.fired[0].id).not.toBe(open.id);
      expect(t.firedOf('ai_high_latency')).toEqual([API, API]);
    });

    it('needs the minimum samples to fire, and too few later keeps it open', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(19, at('10:00'), { latencyMs: 40_000, errors: 19 }));
      expect((await t.service.evaluate()).fired).toEqual([]);

      await t.ingest(calls(1, at('10:20'), { latencyMs: 40_000, errors: 1 }));
      const fired = await t.service.evaluate();
      expect(fired.fired.map(a => a.ruleId).sort()).toEqual([
        'ai_high_error_rate',
        'ai_high_latency',
      ]);

      // Five fast, good calls in the next hour, all the window (11:00–11:20) holds: too
      // few to say it cleared.
      t.clock.now = at('11:20');
      await t.ingest(calls(5, at('11:00')));
      const later = await t.service.evaluate();
      expect(later.resolved).toBe(0);
      expect((await t.store.openAlerts()).map(a => a.state)).toEqual([
        'firing',
        'firing',
      ]);

      // No calls at all in the window: nothing is breaching any more.
      t.clock.now = at('12:20');
      expect((await t.service.evaluate()).resolved).toBe(2);
    });

    it('a snooze hides the alert until it ends; still breached then, it fires again', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(30, at('10:05'), { latencyMs: 12_000 }));
      const [alert] = (await t.service.evaluate()).fired;

      t.clock.now = at('10:31');
      const snoozed = await t.service.act(
        alert.id,
        'snooze',
        { minutes: 30 },
        user,
      );
      expect(snoozed).toMatchObject({
        state: 'snoozed',
        active: false,
        snoozedUntil: new Date(at('11:01')).toISOString(),
        snoozedBy: 'user:default/wes',
      });
      const active = () => t.service.list(user, { view: 'active', limit: 10 });
      expect(await active()).toEqual([]);
      expect(
        (await t.service.list(user, { view: 'snoozed', limit: 10 })).map(
          a => a.id,
        ),
      ).toEqual([alert.id]);

      // Still breached while snoozed: quiet.
      t.clock.now = at('10:45');
      expect((await t.service.evaluate()).fired).toEqual([]);
      expect(await active()).toEqual([]);

      // The snooze is over: listed again at once, and fired again by the evaluation.
      t.clock.now = at('11:01');
      expect((await active()).map(a => [a.id, a.state, a.active])).toEqual([
        [alert.id, 'snoozed', true],
      ]);
      await t.ingest(
        calls(25, at('11:00'), { latencyMs: 50_000, spanMs: 60_000 }),
      );
      const refired = await t.service.evaluate();
      expect(refired.fired.map(a => a.id)).toEqual([alert.id]);
      expect(await t.store.get(alert.id)).toMatchObject({
        state: 'firing',
        firedAt: at('11:01'),
        firstSeen: at('10:30'),
        snoozedUntil: undefined,
      });
      expect(t.fired.map(a => a.id)).toEqual([alert.id, alert.id]);

      // Snoozed again, and the condition clears meanwhile: resolved, not shown again.
      t.clock.now = at('11:05');
      await t.service.act(alert.id, 'snooze', { minutes: 120 }, user);
      // 600 fast against the 25 slow of 11:00 (the window at 11:20 is 11:00–11:20):
      // under 5 % slow, the p95 is fast.
      await t.ingest(
        calls(600, at('11:02'), { latencyMs: 100, spanMs: 60_000 }),
      );
      t.clock.now = at('11:20');
      expect((await t.service.evaluate()).resolved).toBe(1);
      expect(await t.store.get(alert.id)).toMatchObject({ state: 'resolved' });
      expect(t.changed.map(a => a.state)).toEqual([
        'firing',
        'snoozed',
        'firing',
        'snoozed',
        'resolved',
      ]);
    });

    it('acknowledges once; a resolved alert can be neither acknowledged nor snoozed', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(30, at('10:05'), { latencyMs: 12_000 }));
      const [alert] = (await t.service.evaluate()).fired;
      const acked = await t.service.act(alert.id, 'acknowledge', {}, user);
      expect(acked).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'user:default/wes',
        acknowledgedAt: new Date(at('10:30')).toISOString(),
      });
      await expect(
        t.service.act(alert.id, 'acknowledge', {}, user),
      ).rejects.toThrow('A acknowledged alert cannot be acknowledged');
      await expect(
        t.service.act(alert.id, 'snooze', { minutes: 1 }, user),
      ).rejects.toThrow('at least 5 minutes');
      // Acknowledged and still breached: stays acknowledged, never fired again.
      t.clock.now = at('10:40');
      await t.service.evaluate();
      expect((await t.store.get(alert.id))!.state).toBe('acknowledged');
      t.clock.now = at('12:10');
      await t.service.evaluate();
      await expect(
        t.service.act(alert.id, 'snooze', { minutes: 30 }, user),
      ).rejects.toThrow('A resolved alert cannot be snoozed');
      expect(t.fired).toHaveLength(1);
    });

    it("cost over the window's threshold: each service, and a team only for what its service alerts do not show", async () => {
      // $0.05 a window of 2 hours: 60 calls at 1,000 µ$ pass it.
      const t = await setup(databaseId, { costThreshold: 0.05, window: '2h' });
      t.clock.now = at('10:30');
      await t.ingest([
        // web-team: ibias-api over ($0.06), web-search under ($0.02): the team's $0.08
        // is more than its service alert shows.
        ...calls(30, at('09:10')),
        ...calls(30, at('10:10')),
        ...calls(20, at('10:10'), { entityRef: SEARCH }),
        // ai-team: one service over, all of the team's spend: its alert is enough.
        ...calls(60, at('10:10'), { entityRef: RECS, team: AI }),
        // data-team: two services under, together over: the team alert alone.
        ...calls(30, at('10:10'), { entityRef: ETL, team: DATA }),
        ...calls(30, at('10:10'), { entityRef: LOADER, team: DATA }),
      ]);
      const { fired } = await t.service.evaluate();
      expect(
        fired
          .filter(a => a.ruleId === 'ai_high_cost')
          .map(a => [a.scopeKind, a.scopeRef, a.team, a.value])
          .sort(),
      ).toEqual([
        ['entity', RECS, AI, 0.06],
        ['entity', API, WEB, 0.06],
        ['team', DATA, DATA, 0.06],
        ['team', WEB, WEB, 0.08],
      ]);
      // One notification per team for the same dollars: none for ai-team as a team.
      expect(t.firedOf('ai_high_cost')).not.toContain(AI);
      const rule = t.service.present(
        fired.find(a => a.ruleId === 'ai_high_cost')!,
      ).ruleName;
      expect(rule).toBe('AI cost over $0.05 in 2 h');
      // Later, the window holds nothing: all resolve.
      t.clock.now = at('13:30');
      expect((await t.service.evaluate()).resolved).toBe(4);
    });

    it('a team with one service over the threshold gets one cost alert, every service over too', async () => {
      const t = await setup(databaseId, { costThreshold: 0.05, window: '2h' });
      t.clock.now = at('10:30');
      await t.ingest([
        ...calls(60, at('10:10')),
        ...calls(60, at('10:10'), { entityRef: SEARCH }),
      ]);
      const { fired } = await t.service.evaluate();
      expect(
        fired
          .filter(a => a.ruleId === 'ai_high_cost')
          .map(a => [a.scopeKind, a.scopeRef])
          .sort(),
      ).toEqual([
        ['entity', API],
        ['entity', SEARCH],
      ]);
      expect(await t.store.open('ai_high_cost', WEB)).toBeUndefined();
    });

    it('just after the hour, the 15-minute rules read the hour before too', async () => {
      const t = await setup(databaseId);
      // Slow calls from 09:50 to 10:00; judged at 10:05.
      await t.ingest(calls(30, at('09:50'), { latencyMs: 12_000 }));
      t.clock.now = at('10:05');
      const { fired } = await t.service.evaluate();
      expect(fired.map(a => [a.ruleId, a.scopeRef])).toEqual([
        ['ai_high_latency', API],
      ]);
      // At 10:20 the window (10:05–10:20) is all in the new hour, which has no calls.
      t.clock.now = at('10:20');
      expect((await t.service.evaluate()).resolved).toBe(1);
    });

    it('a snooze moved while an evaluation runs is not undone by it', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(30, at('10:05'), { latencyMs: 12_000 }));
      const [alert] = (await t.service.evaluate()).fired;
      t.clock.now = at('10:31');
      await t.service.act(alert.id, 'snooze', { minutes: 30 }, user);

      // 11:01: the snooze is over and it is still breached. The evaluation reads the
      // open alerts; before it moves this one back to firing, wes snoozes it again.
      t.clock.now = at('11:01');
      const service = t.service;
      class SnoozedMeanwhile extends KnexAlertStore {
        async openAlerts() {
          const open = await super.openAlerts();
          await service.act(alert.id, 'snooze', { minutes: 60 }, user);
          return open;
        }
      }
      const result = await t.make(new SnoozedMeanwhile(t.knex)).evaluate();
      expect(result.fired).toEqual([]);
      // Told once (the first firing), not again over the new snooze.
      expect(t.fired.map(a => a.id)).toEqual([alert.id]);
      expect(await t.store.get(alert.id)).toMatchObject({
        state: 'snoozed',
        snoozedUntil: at('12:01'),
        snoozedBy: 'user:default/wes',
        lastSeen: at('10:30'),
      });
      expect(t.changed.map(a => a.state)).toEqual([
        'firing',
        'snoozed',
        'snoozed',
      ]);

      // The new snooze over, it fires again.
      t.clock.now = at('12:01');
      await t.ingest(calls(25, at('11:55'), { latencyMs: 12_000 }));
      expect((await t.service.evaluate()).fired.map(a => a.id)).toEqual([
        alert.id,
      ]);
    });

    it('a spike: the last hour against the same hour of the last 7 days', async () => {
      const t = await setup(databaseId);
      const events: RecordedEvent[] = [];
      // $1 at 09:00 on each of the last 7 days, $10 today.
      for (let d = 1; d <= 7; d++) {
        events.push(
          ...calls(10, at('09:00') - d * DAY, { costMicros: 100_000 }),
        );
      }
      events.push(...calls(10, at('09:00'), { costMicros: 1_000_000 }));
      // Another service: its usual, no spike.
      for (let d = 0; d <= 7; d++) {
        events.push(
          ...calls(10, at('09:00') - d * DAY, {
            entityRef: RECS,
            team: AI,
            costMicros: 100_000,
          }),
        );
      }
      t.clock.now = at('10:05');
      await t.ingest(events);
      const { fired } = await t.service.evaluate();
      const spikes = fired.filter(a => a.ruleId === 'ai_cost_spike');
      expect(spikes.map(a => [a.scopeRef, a.value, a.threshold])).toEqual([
        [API, 10, 5],
      ]);
      expect(spikes[0].detail).toMatchObject({
        hour: '2026-12-10T09:00:00.000Z',
        usualMicros: 1_000_000,
        ratio: 10,
      });
      // The next hour judged has no calls: resolved.
      t.clock.now = at('11:05');
      await t.service.evaluate();
      expect(await t.store.open('ai_cost_spike', API)).toBeUndefined();
    });

    it('a deploy that raises the cost per 1,000 requests past the ratio', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('14:00');
      await t.ingest([
        // Before the 09:30 deploy: 1,000 µ$ a call ($1 per 1,000).
        ...calls(200, at('06:00'), { costMicros: 1000, spanMs: 3 * HOUR }),
        // Its own hour is left out.
        ...calls(50, at('09:00'), { costMicros: 50_000 }),
        // After: 2,000 µ$ a call.
        ...calls(200, at('10:00'), { costMicros: 2000, spanMs: 3 * HOUR }),
      ]);
      t.setDeploys([
        {
          id: 'd-1',
          entityRef: API,
          version: '1.4.0',
          environment: 'production',
          at: at('09:30'),
          rollback: false,
        },
      ]);
      const { fired } = await t.service.evaluate();
      const deploy = fired.filter(a => a.ruleId === 'ai_deploy_cost');
      expect(deploy).toHaveLength(1);
      expect(deploy[0]).toMatchObject({
        scopeRef: API,
        value: 2,
        threshold: 1.5,
        detail: {
          deploymentId: 'd-1',
          version: '1.4.0',
          beforePerThousandMicros: 1_000_000,
          afterPerThousandMicros: 2_000_000,
          beforeRequests: 200,
          afterRequests: 200,
          ratio: 2,
        },
      });

      // The deploy history cannot be read: the deploy rule is not judged, nothing changes.
      t.setDeploys(undefined);
      t.clock.now = at('14:10');
      await t.service.evaluate();
      expect(await t.store.open('ai_deploy_cost', API)).toBeDefined();

      // A later deploy brings it back down: resolved.
      await t.ingest(
        calls(200, at('15:00'), { costMicros: 1000, spanMs: HOUR }),
      );
      t.setDeploys([
        {
          id: 'd-2',
          entityRef: API,
          version: '1.4.1',
          environment: 'production',
          at: at('14:30'),
          rollback: false,
        },
        {
          id: 'd-1',
          entityRef: API,
          version: '1.4.0',
          environment: 'production',
          at: at('09:30'),
          rollback: false,
        },
      ]);
      t.clock.now = at('16:05');
      await t.service.evaluate();
      expect(await t.store.open('ai_deploy_cost', API)).toBeUndefined();
    });

    it('two replicas evaluating at once fire an alert once', async () => {
      const t = await setup(databaseId);
      t.clock.now = at('10:30');
      await t.ingest(calls(30, at('10:05'), { latencyMs: 12_000 }));
      const results = await Promise.all([
        t.make().evaluate(),
        t.make().evaluate(),
        t.make().evaluate(),
      ]);
      expect(results.flatMap(r => r.fired)).toHaveLength(1);
      expect(t.fired).toHaveLength(1);
      expect(await t.store.openAlerts()).toHaveLength(1);
    });
  },
);

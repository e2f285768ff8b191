import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  dedupKey,
  SEED_ALERT_RULES,
  type AlertObservation,
} from '@internal/plugin-ibias-metrics-common';
import type { Knex } from 'knex';
import { KnexAlertStore, type StoredAlert } from '../database/KnexAlertStore';
import { AlertService } from './AlertService';
import { ALERTS_SIGNAL_CHANNEL, createAlertDelivery } from './deliveries';
import { PagerDutyClient } from './PagerDutyClient';
import { PagerDutyMimic } from './testing/PagerDutyMimic';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const ROUTING_KEY = 'L1fecycleL1fecycleL1fecycle00032';
const RULE = SEED_ALERT_RULES.find(r => r.id === 'high_error_rate')!;
const SUBJECT = 'component:default/ibias-api';
const OWNER = 'group:default/platform-team';
const ONCALL = 'user:default/oncall';
const OUTSIDER = 'user:default/outsider';
const OWNERSHIP: Record<string, string[]> = {
  [ONCALL]: [ONCALL, OWNER],
  [OUTSIDER]: [OUTSIDER, 'group:default/web-team'],
};

const T0 = Date.parse('2026-03-02T09:00:00Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

const breach: AlertObservation = { value: 0.12, samples: 400 };
const healthy: AlertObservation = { value: 0.01, samples: 400 };
/** Breaching, but over fewer requests than the rule's minSamples (20). */
const thinBreach: AlertObservation = { value: 0.5, samples: 4 };

describe.each(databases.eachSupportedId())(
  'Alert lifecycle under a controlled clock on %s',
  databaseId => {
    const pagerDuty = new PagerDutyMimic();
    let pagerDutyUrl: string;
    let knex: Knex;
    let store: KnexAlertStore;

    beforeAll(async () => {
      pagerDutyUrl = await pagerDuty.start();
      knex = await databases.init(databaseId);
      store = await KnexAlertStore.create(mockServices.database({ knex }));
    });
    afterAll(() => pagerDuty.stop());

    beforeEach(async () => {
      pagerDuty.reset();
      await knex('ibias_alert_history').delete();
      await knex('ibias_alerts').delete();
    });

    /** A real AlertService, delivery and PagerDutyClient; only the clock and the
     * signals and notifications services are stand-ins. */
    function harness(pagerDutyOptions: { maxAttempts?: number } = {}) {
      const clock = { now: T0 };
      const logger = mockServices.logger.mock();
      const signals = { publish: jest.fn(async () => {}) };
      const notifications = { send: jest.fn(async () => {}) };
      const sleeps: number[] = [];
      const alerts = new AlertService({
        store,
        delivery: createAlertDelivery({
          signals,
          notifications,
          pagerDuty: new PagerDutyClient({
            routingKey: ROUTING_KEY,
            baseUrl: pagerDutyUrl,
            logger,
            sleep: async ms => {
              sleeps.push(ms);
            },
            ...pagerDutyOptions,
          }),
          baseUrl: 'https://portal.example.com',
          logger,
        }),
        permissions: mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }),
        userInfo: {
          getUserInfo: async credentials => {
            const principal = credentials.principal;
            const user =
              typeof principal === 'object' &&
              principal !== null &&
              'userEntityRef' in principal
                ? String(principal.userEntityRef)
                : '';
            return {
              userEntityRef: user,
              ownershipEntityRefs: OWNERSHIP[user] ?? [user],
            };
          },
        },
        logger,
        ruleNames: id => id,
        now: () => clock.now,
      });
      const evaluateAt = (offsetMs: number, observation?: AlertObservation) => {
        clock.now = T0 + offsetMs;
        return alerts.evaluate(RULE, SUBJECT, observation, {
          owner: OWNER,
          evidence: {
            environment: 'production',
            value: observation?.value ?? null,
            threshold: RULE.threshold,
          },
        });
      };
      return {
        clock,
        alerts,
        logger,
        signals,
        notifications,
        sleeps,
        evaluateAt,
      };
    }

    const actions = () => pagerDuty.events.map(e => e.event_action);

    it('goes pending → firing → acknowledged → resolved; PagerDuty gets trigger, acknowledge, resolve under one dedup key', async () => {
      const { alerts, clock, evaluateAt, notifications, signals } = harness();

      // Too few requests: however bad the rate, nothing opens.
      await expect(evaluateAt(0, thinBreach)).resolves.toBeUndefined();
      expect(await store.list({ limit: 10 })).toEqual([]);

      // The first breach with enough samples opens a pending alert, and pages no one.
      const pending = await evaluateAt(30 * SECOND, breach);
      expect(pending).toMatchObject({
        status: 'pending',
        pendingSince: T0 + 30 * SECOND,
        owner: OWNER,
        severity: 'critical',
      });
      // Still under `for` (2m) a minute and a half later.
      expect((await evaluateAt(2 * MINUTE, breach))?.status).toBe('pending');
      expect(pagerDuty.requests).toEqual([]);
      expect(notifications.send).not.toHaveBeenCalled();

      // Two minutes after it started to hold, it fires and PagerDuty is triggered.
      const firing = await evaluateAt(2 * MINUTE + 30 * SECOND, breach);
      expect(firing).toMatchObject({
        id: pending!.id,
        status: 'firing',
        firedAt: T0 + 2 * MINUTE + 30 * SECOND,
      });
      const key = dedupKey(RULE.id, SUBJECT, pending!.id);
      expect(actions()).toEqual(['trigger']);
      expect(pagerDuty.events[0]).toMatchObject({
        routing_key: ROUTING_KEY,
        dedup_key: key,
        payload: {
          source: SUBJECT,
          severity: 'critical',
          class: 'high_error_rate',
          custom_details: { value: 0.12, threshold: 0.05 },
        },
        links: [
          {
            href: `https://portal.example.com/ibias-metrics/alerts?alert=${
              pending!.id
            }`,
          },
        ],
      });
      expect(notifications.send).toHaveBeenCalledTimes(1);
      expect(notifications.send).toHaveBeenLastCalledWith({
        recipients: { type: 'entity', entityRef: OWNER },
        payload: expect.objectContaining({
          title: `${RULE.summary} (${SUBJECT})`,
          severity: 'critical',
          scope: pending!.id,
        }),
      });
      // Breaching on while firing sends nothing more.
      await evaluateAt(3 * MINUTE, breach);
      expect(actions()).toEqual(['trigger']);

      // Someone outside the owning group may not acknowledge; nothing reaches PagerDuty.
      await expect(
        alerts.act(
          pending!.id,
          'acknowledge',
          {},
          mockCredentials.user(OUTSIDER),
        ),
      ).rejects.toThrow(NotAllowedError);
      expect(actions()).toEqual(['trigger']);

      // The owner's on-call acknowledges: PagerDuty hears it, the owner is not re-notified.
      clock.now = T0 + 3 * MINUTE + 10 * SECOND;
      const acknowledged = await alerts.act(
        pending!.id,
        'acknowledge',
        { comment: 'looking' },
        mockCredentials.user(ONCALL),
      );
      expect(acknowledged).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: ONCALL,
      });
      expect(actions()).toEqual(['trigger', 'acknowledge']);
      expect(notifications.send).toHaveBeenCalledTimes(1);

      // The condition clears at 3m30s; the last breach was at 3m. keepFiringFor is 5m.
      for (const offset of [3.5, 5, 7.9]) {
        const held = await evaluateAt(offset * MINUTE, healthy);
        expect([offset, held?.status]).toEqual([offset, 'acknowledged']);
      }
      expect(actions()).toEqual(['trigger', 'acknowledge']);
      // Too few samples changes nothing, not even the clock towards a resolve.
      expect((await evaluateAt(8 * MINUTE, thinBreach))?.status).toBe(
        'acknowledged',
      );

      const resolved = await evaluateAt(8 * MINUTE + 1 * SECOND, healthy);
      expect(resolved).toMatchObject({
        id: pending!.id,
        status: 'resolved',
        resolvedAt: T0 + 8 * MINUTE + SECOND,
      });
      expect(actions()).toEqual(['trigger', 'acknowledge', 'resolve']);
      expect(new Set(pagerDuty.events.map(e => e.dedup_key))).toEqual(
        new Set([key]),
      );
      // A resolve carries the key and nothing else.
      expect(pagerDuty.events[2]).toEqual({
        routing_key: ROUTING_KEY,
        event_action: 'resolve',
        dedup_key: key,
      });
      expect(notifications.send).toHaveBeenCalledTimes(2);
      expect(notifications.send).toHaveBeenLastCalledWith({
        recipients: { type: 'entity', entityRef: OWNER },
        payload: expect.objectContaining({
          title: `Resolved: ${RULE.summary} (${SUBJECT})`,
          severity: 'low',
        }),
      });
      expect(
        signals.publish.mock.calls.map(([message]: any[]) => [
          message.channel,
          message.message.action,
        ]),
      ).toEqual([
        [ALERTS_SIGNAL_CHANNEL, 'trigger'],
        [ALERTS_SIGNAL_CHANNEL, 'acknowledge'],
        [ALERTS_SIGNAL_CHANNEL, 'resolve'],
      ]);

      expect(await store.history(pending!.id)).toEqual([
        { at: T0 + 30 * SECOND, to: 'pending' },
        { at: T0 + 2.5 * MINUTE, from: 'pending', to: 'firing' },
        {
          at: T0 + 3 * MINUTE + 10 * SECOND,
          from: 'firing',
          to: 'acknowledged',
          actor: ONCALL,
          detail: 'looking',
        },
        { at: T0 + 8 * MINUTE + SECOND, from: 'acknowledged', to: 'resolved' },
      ]);

      // A new breach inside the 15m cooldown opens a new alert that holds past `for`
      // but does not fire: PagerDuty hears nothing.
      const again = await evaluateAt(9 * MINUTE, breach);
      expect(again).toMatchObject({ status: 'pending' });
      expect(again!.id).not.toBe(pending!.id);
      for (const offset of [12, 20, 23]) {
        const held = await evaluateAt(offset * MINUTE, breach);
        expect([offset, held?.status]).toEqual([offset, 'pending']);
      }
      expect(actions()).toEqual(['trigger', 'acknowledge', 'resolve']);
      expect(notifications.send).toHaveBeenCalledTimes(2);

      // Once the cooldown has passed (resolved at 8m01s + 15m), it fires, under its own key.
      const refired = await evaluateAt(23 * MINUTE + 1 * SECOND, breach);
      expect(refired).toMatchObject({ id: again!.id, status: 'firing' });
      expect(actions()).toEqual([
        'trigger',
        'acknowledge',
        'resolve',
        'trigger',
      ]);
      expect(pagerDuty.events[3].dedup_key).toBe(
        dedupKey(RULE.id, SUBJECT, again!.id),
      );
      expect(pagerDuty.events[3].dedup_key).not.toBe(key);
    });

    it('a pending alert whose condition clears resolves quietly', async () => {
      const { evaluateAt, notifications } = harness();
      const pending = await evaluateAt(0, breach);
      const cleared = await evaluateAt(1 * MINUTE, healthy);
      expect(cleared).toMatchObject({ id: pending!.id, status: 'resolved' });
      expect(pagerDuty.requests).toEqual([]);
      expect(notifications.send).not.toHaveBeenCalled();
      // It never fired, so it starts no cooldown: the next breach fires after `for`.
      await evaluateAt(2 * MINUTE, breach);
      expect((await evaluateAt(4 * MINUTE, breach))?.status).toBe('firing');
      expect(actions()).toEqual(['trigger']);
    });

    it('keeps the lifecycle going while PagerDuty answers 500 to every attempt', async () => {
      const { evaluateAt, logger, notifications, sleeps } = harness({
        maxAttempts: 3,
      });
      pagerDuty.script.push(500, 500, 500);

      const pending = await evaluateAt(0, breach);
      const firing = await evaluateAt(2 * MINUTE, breach);
      expect(firing).toMatchObject({ id: pending!.id, status: 'firing' });
      expect(pagerDuty.requests).toHaveLength(3);
      expect(pagerDuty.events).toEqual([]);
      expect(sleeps).toHaveLength(2);
      expect(await store.get(pending!.id)).toMatchObject({ status: 'firing' });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Alert PagerDuty event not delivered: .*did not accept the trigger event .* after 3 attempts/,
        ),
      );
      // The other channels still delivered.
      expect(notifications.send).toHaveBeenCalledTimes(1);
      // Nothing logged carries the routing key.
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(ROUTING_KEY);

      // PagerDuty is back by the resolve: it arrives under the same key.
      await evaluateAt(3 * MINUTE, healthy);
      const resolved: StoredAlert | undefined = await evaluateAt(
        7 * MINUTE,
        healthy,
      );
      expect(resolved?.status).toBe('resolved');
      expect(pagerDuty.events).toEqual([
        {
          routing_key: ROUTING_KEY,
          event_action: 'resolve',
          dedup_key: dedupKey(RULE.id, SUBJECT, pending!.id),
        },
      ]);
    });
  },
);

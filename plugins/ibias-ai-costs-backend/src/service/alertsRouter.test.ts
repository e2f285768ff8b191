import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  AI_ALERTS_SIGNAL_CHANNEL,
  aiCostsAlertUpdatePermission,
  aiCostsReadPermission,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  aiCostsTeamConditions,
  createAiCostsTeamConditionalDecision,
} from '@internal/plugin-ibias-ai-costs-node';
import request from 'supertest';
import type { NewAlert } from '../database/AlertStore';
import { KnexAlertStore } from '../database/KnexAlertStore';
import { ibiasAiCostsPlugin } from '../plugin';
import { declared } from '../__testUtils__/declared';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });
const API = '/api/ibias-ai-costs';

const WEB = 'group:default/web-team';
const AI = 'group:default/ai-team';
const IBIAS_API = 'component:default/ibias-api';
const RECS = 'component:default/ai-recommendations';

/**
 * nora reads every team (an executive); wes and rita read web-team's spend, ava
 * ai-team's; rita may read but not update alerts; nobody else reads anything.
 */
const READS: Record<string, string[]> = {
  'user:default/wes': [WEB],
  'user:default/rita': [WEB],
  'user:default/ava': [AI],
};
/** What the plugin asked authorize (not authorizeConditional), and for whom. */
const authorized: Array<{
  user?: string;
  permission: string;
  resourceRef?: string;
}> = [];
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    ({
      async authorize(
        requests: any[],
        options: { credentials: BackstageCredentials },
      ) {
        const ref = (
          options.credentials.principal as { userEntityRef?: string }
        ).userEntityRef;
        for (const r of requests) {
          authorized.push({
            user: ref,
            permission: r.permission.name,
            resourceRef: r.resourceRef,
          });
        }
        return requests.map(r => ({
          result:
            r.permission.name === aiCostsAlertUpdatePermission.name &&
            ref === 'user:default/rita'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        }));
      },
      async authorizeConditional(
        requests: any[],
        options: { credentials: BackstageCredentials },
      ) {
        const ref = (
          options.credentials.principal as { userEntityRef?: string }
        ).userEntityRef;
        return requests.map(r => {
          if (r.permission.name !== aiCostsReadPermission.name) {
            return { result: AuthorizeResult.ALLOW };
          }
          if (ref === 'user:default/nora') {
            return { result: AuthorizeResult.ALLOW };
          }
          if (!ref) return { result: AuthorizeResult.DENY };
          return createAiCostsTeamConditionalDecision(
            aiCostsReadPermission,
            aiCostsTeamConditions.isTeamMember({
              claims: [ref, ...(READS[ref] ?? [])],
            }),
          );
        });
      },
    } as any),
});

/**
 * Audit events with their actor as the default auditor finds it: the user of the
 * request's credentials, or, without a request, only the plugin.
 */
const audits: Array<{ eventId: string; outcome: string; actor: string }> = [];
const auditor = createServiceFactory({
  service: coreServices.auditor,
  deps: { httpAuth: coreServices.httpAuth },
  factory: ({ httpAuth }) =>
    ({
      async createEvent(options: { eventId: string; request?: Request }) {
        let actor = 'plugin:ibias-ai-costs';
        if (options.request) {
          const credentials = await httpAuth.credentials(options.request);
          const p = credentials.principal as { userEntityRef?: string };
          actor = p.userEntityRef ?? 'service';
        }
        const record = (outcome: string) => async () => {
          audits.push({ eventId: options.eventId, outcome, actor });
        };
        return { success: record('success'), fail: record('failure') };
      },
    } as any),
});

const signals: Array<{ channel: string; message: unknown }> = [];

const T0 = Date.now() - 60 * 60_000;
const alert = (o: Partial<NewAlert> = {}): NewAlert => ({
  ruleId: 'ai_high_latency',
  scopeKind: 'entity',
  scopeRef: IBIAS_API,
  team: WEB,
  entityRef: IBIAS_API,
  state: 'firing',
  firstSeen: T0,
  lastSeen: T0,
  firedAt: T0,
  value: 12_500,
  threshold: 10_000,
  detail: { calls: 40, errors: 0, costMicros: 40_000, windowMinutes: 15 },
  ...o,
});

describe.each(databases.eachSupportedId())(
  'the AI cost alerts API on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let store: KnexAlertStore;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          ibiasAiCostsPlugin,
          permissions,
          auditor,
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => ({
              publish: async (s: { channel: string; message: unknown }) => {
                signals.push({ channel: s.channel, message: s.message });
              },
            }),
          }),
          catalogServiceMock.factory({ entities: [] }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({ data: {} }),
        ],
      });
      // The plugin ran its migrations; alerts are put in place as an evaluation would.
      store = new KnexAlertStore(knex);
      ids.web = (await store.create(alert(), T0))!.id;
      ids.webErrors = (await store.create(
        alert({ ruleId: 'ai_high_error_rate', value: 0.08, threshold: 0.05 }),
        T0,
      ))!.id;
      ids.webTeamCost = (await store.create(
        alert({
          ruleId: 'ai_high_cost',
          scopeKind: 'team',
          scopeRef: WEB,
          entityRef: undefined,
          value: 1250.5,
          threshold: 1000,
        }),
        T0,
      ))!.id;
      ids.ai = (await store.create(
        alert({ scopeRef: RECS, entityRef: RECS, team: AI }),
        T0,
      ))!.id;
      const resolved = (await store.create(
        alert({ ruleId: 'ai_cost_spike', value: 30, threshold: 5 }),
        T0,
      ))!;
      await store.transition(
        resolved.id,
        'firing',
        { state: 'resolved', resolvedAt: T0 + 1 },
        T0 + 1,
      );
      ids.resolved = resolved.id;
    });
    afterAll(() => backend.stop());

    const as = (user: string) => mockCredentials.user.header(user);
    const list = (query: Record<string, string>, user: string) =>
      request(backend.server)
        .get(`${API}/alerts`)
        .query(query)
        .set('authorization', as(user));
    const act = (
      id: string,
      action: 'acknowledge' | 'snooze',
      user: string,
      body?: object,
    ) => {
      const r = request(backend.server)
        .post(`${API}/alerts/${id}/${action}`)
        .set('authorization', as(user));
      return body ? r.send(body) : r;
    };

    it('needs a token', async () => {
      const res = await request(backend.server)
        .get(`${API}/alerts`)
        .set('authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
      const post = await request(backend.server)
        .post(`${API}/alerts/${ids.web}/acknowledge`)
        .set('authorization', mockCredentials.none.header());
      expect(post.status).toBe(401);
      // A service may list, but acknowledging is a person's.
      const service = await request(backend.server)
        .post(`${API}/alerts/${ids.web}/acknowledge`)
        .set('authorization', mockCredentials.service.header());
      expect(service.status).toBe(403);
    });

    it('lists only the alerts of teams the caller may read', async () => {
      const nora = await list({}, 'user:default/nora');
      expect(nora.status).toBe(200);
      expect(declared('/alerts', 'get', 200, nora.body)).toBeUndefined();
      expect(nora.body.items.map((a: any) => a.id).sort()).toEqual(
        [ids.web, ids.webErrors, ids.webTeamCost, ids.ai].sort(),
      );
      const wes = await list({}, 'user:default/wes');
      expect(wes.body.items.map((a: any) => a.id).sort()).toEqual(
        [ids.web, ids.webErrors, ids.webTeamCost].sort(),
      );
      expect(wes.body.items.find((a: any) => a.id === ids.web)).toMatchObject({
        rule: 'ai_high_latency',
        ruleName: 'AI p95 latency over 10 s',
        action: 'scale',
        severity: 'warning',
        unit: 'ms',
        scope: { kind: 'entity', ref: IBIAS_API },
        team: WEB,
        entityRef: IBIAS_API,
        state: 'firing',
        active: true,
        value: 12_500,
        threshold: 10_000,
      });
      // Asking for a team or a service they may not read gives nothing of it.
      expect((await list({ team: AI }, 'user:default/wes')).body.items).toEqual(
        [],
      );
      expect(
        (await list({ entityRef: RECS }, 'user:default/wes')).body.items,
      ).toEqual([]);
      expect((await list({}, 'user:default/nobody')).body.items).toEqual([]);
      // A service's own alerts, the resolved ones on request.
      const own = await list(
        { entityRef: IBIAS_API, state: 'all' },
        'user:default/wes',
      );
      expect(own.body.items.map((a: any) => a.id).sort()).toEqual(
        [ids.web, ids.webErrors, ids.resolved].sort(),
      );
      expect(
        (await list({ state: 'resolved' }, 'user:default/ava')).body.items,
      ).toEqual([]);
    });

    it('validates the query', async () => {
      for (const query of [
        { state: 'closed' },
        { limit: '0' },
        { limit: '501' },
        { entityRef: 'not a ref' },
      ] as Array<Record<string, string>>) {
        const res = await list(query, 'user:default/nora');
        expect(res.status).toBe(400);
        expect(declared('/alerts', 'get', 400, res.body)).toBeUndefined();
      }
    });

    it('answers 404 for an alert the caller may not read, as for one that does not exist', async () => {
      const theirs = await act(ids.ai, 'acknowledge', 'user:default/wes');
      expect(theirs.status).toBe(404);
      expect(theirs.body.error.message).toBe(`No alert ${ids.ai}`);
      const none = await act(
        '00000000-0000-4000-8000-000000000000',
        'snooze',
        'user:default/wes',
        { minutes: 30 },
      );
      expect(none.status).toBe(404);
      expect(
        declared('/alerts/{id}/snooze', 'post', 404, none.body),
      ).toBeUndefined();
      expect((await store.get(ids.ai))!.state).toBe('firing');
    });

    it('answers 403 to a reader without the update permission, and audits the refusal', async () => {
      const res = await act(ids.web, 'acknowledge', 'user:default/rita');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/ibias.aiCosts.alerts.update/);
      expect((await store.get(ids.web))!.state).toBe('firing');
      // Asked for the alert's team: a resource permission, decided per team.
      expect(authorized).toContainEqual({
        user: 'user:default/rita',
        permission: 'ibias.aiCosts.alerts.update',
        resourceRef: WEB,
      });
      expect(audits).toContainEqual({
        eventId: 'ai-alert-acknowledge',
        outcome: 'failure',
        actor: 'user:default/rita',
      });
    });

    it('refuses a malformed id and snooze body with 400s naming the field', async () => {
      const badId = await act('nope', 'acknowledge', 'user:default/wes');
      expect(badId.status).toBe(400);
      for (const [body, message] of [
        [{}, /request\/body/],
        [
          {
            minutes: 30,
            until: new Date(Date.now() + 3_600_000).toISOString(),
          },
          /request\/body/,
        ],
        [{ minutes: 4 }, /minutes/],
        [{ minutes: 10081 }, /minutes/],
        [{ minutes: 'soon' }, /minutes/],
        [{ until: 'tomorrow' }, /until/],
        [
          { until: new Date(Date.now() + 8 * 86_400_000).toISOString() },
          /until must be at most 7 days/,
        ],
        [
          { until: new Date(Date.now() - 60_000).toISOString() },
          /until must be at least 5 minutes/,
        ],
        [{ reason: 'x' }, /reason/],
      ] as const) {
        const res = await act(
          ids.webErrors,
          'snooze',
          'user:default/wes',
          body,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
      }
      expect((await store.get(ids.webErrors))!.state).toBe('firing');
    });

    it('acknowledges (audited, signalled); twice is a 409', async () => {
      const before = signals.length;
      const res = await act(ids.web, 'acknowledge', 'user:default/wes');
      expect(res.status).toBe(200);
      expect(
        declared('/alerts/{id}/acknowledge', 'post', 200, res.body),
      ).toBeUndefined();
      expect(res.body).toMatchObject({
        id: ids.web,
        state: 'acknowledged',
        acknowledgedBy: 'user:default/wes',
        active: true,
      });
      expect(signals.slice(before)).toEqual([
        {
          channel: AI_ALERTS_SIGNAL_CHANNEL,
          message: { alertId: ids.web, state: 'acknowledged' },
        },
      ]);
      // The person who acted, not the plugin.
      expect(audits).toContainEqual({
        eventId: 'ai-alert-acknowledge',
        outcome: 'success',
        actor: 'user:default/wes',
      });
      expect(authorized).toContainEqual({
        user: 'user:default/wes',
        permission: 'ibias.aiCosts.alerts.update',
        resourceRef: WEB,
      });
      const again = await act(ids.web, 'acknowledge', 'user:default/wes');
      expect(again.status).toBe(409);
      const resolved = await act(ids.resolved, 'snooze', 'user:default/wes', {
        minutes: 30,
      });
      expect(resolved.status).toBe(409);
      expect(resolved.body.error.message).toBe(
        'A resolved alert cannot be snoozed',
      );
    });

    it('snoozes: hidden from the active list until it ends, listed as snoozed', async () => {
      const until = new Date(Date.now() + 2 * 3_600_000).toISOString();
      const res = await act(ids.webTeamCost, 'snooze', 'user:default/wes', {
        until,
      });
      expect(res.status).toBe(200);
      expect(
        declared('/alerts/{id}/snooze', 'post', 200, res.body),
      ).toBeUndefined();
      expect(res.body).toMatchObject({
        state: 'snoozed',
        active: false,
        snoozedUntil: until,
        snoozedBy: 'user:default/wes',
      });
      expect(audits).toContainEqual({
        eventId: 'ai-alert-snooze',
        outcome: 'success',
        actor: 'user:default/wes',
      });
      const active = await list({}, 'user:default/wes');
      expect(active.body.items.map((a: any) => a.id)).not.toContain(
        ids.webTeamCost,
      );
      const snoozed = await list({ state: 'snoozed' }, 'user:default/wes');
      expect(snoozed.body.items.map((a: any) => a.id)).toEqual([
        ids.webTeamCost,
      ]);
      // Acknowledging a snoozed alert shows it again.
      const acked = await act(
        ids.webTeamCost,
        'acknowledge',
        'user:default/nora',
      );
      expect(acked.body).toMatchObject({ state: 'acknowledged', active: true });
      expect(acked.body.snoozedUntil).toBeUndefined();
    });

    it('answers deploy costs for a service (nothing to compare without its calls)', async () => {
      const res = await request(backend.server)
        .get(`${API}/deploy-costs`)
        .query({ entityRef: IBIAS_API })
        .set('authorization', as('user:default/wes'));
      expect(res.status).toBe(200);
      expect(declared('/deploy-costs', 'get', 200, res.body)).toBeUndefined();
      expect(res.body).toEqual({ available: true, items: [] });
      const missing = await request(backend.server)
        .get(`${API}/deploy-costs`)
        .set('authorization', as('user:default/wes'));
      expect(missing.status).toBe(400);
    });
  },
);

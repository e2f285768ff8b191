import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { AuditorService } from '@backstage/backend-plugin-api';
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_ANALYSIS_POLICY } from '@internal/plugin-ibias-deployments-common';
import { DeployEngine } from '../engine/DeployEngine';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeploymentService } from './DeploymentService';
import { EnvironmentConfigReader } from './EnvironmentConfigReader';
import { createRouter } from './router';
import { PluginHealthCheck } from '../health/PluginHealthCheck';
import { testStore } from '../testing/testStore';
import { seedDeployment, seedHistory } from '../testing/seedDeployments';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';

// Contract test: every route the router serves is in src/schema/openapi.yaml and every
// answer (success and error) matches the response the document declares for it.
const spec = parseYaml(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'spec');

function responseSchema(route: string, method: string, status: number) {
  const escaped = route.replace(/~/g, '~0').replace(/\//g, '~1');
  let response = spec.paths[route]?.[method]?.responses?.[String(status)];
  if (!response) return undefined;
  let pointer = `spec#/paths/${escaped}/${method}/responses/${status}`;
  if (response.$ref) {
    pointer = `spec${response.$ref}`;
    response = spec.components.responses[response.$ref.split('/').pop()];
  }
  return `${pointer}/content/application~1json/schema`;
}

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });
/** The database of the pass running now (every describe below runs once per database). */
let databaseId: TestDatabaseId = 'SQLITE_3';

/** A scripted target whose deploys wait while the test holds the gate shut. */
class GatedTarget extends ScriptedTarget {
  private gate: Promise<void> = Promise.resolve();
  /** Holds every deploy until the returned function opens the gate. */
  shut() {
    let open = () => {};
    this.gate = new Promise(resolve => {
      open = resolve;
    });
    return open;
  }
  async deploy(ref: Parameters<ScriptedTarget['deploy']>[0], version: string) {
    await this.gate;
    return super.deploy(ref, version);
  }
}

/** Records audit events (id, severity, outcome) like the real auditor would emit them. */
const audit: string[] = [];
const auditEvents: Array<{
  eventId: string;
  severityLevel?: string;
  meta?: object;
  outcome?: string;
  fromHttp: boolean;
}> = [];
const auditor = {
  createEvent: async (options: {
    eventId: string;
    severityLevel?: string;
    request?: unknown;
    meta?: object;
  }) => {
    const { request: _request, ...rest } = options;
    const record: (typeof auditEvents)[number] = {
      ...rest,
      fromHttp: Boolean(_request),
    };
    auditEvents.push(record);
    return {
      success: async () => {
        record.outcome = 'succeeded';
        audit.push(`${options.eventId}:succeeded`);
      },
      fail: async () => {
        record.outcome = 'failed';
        audit.push(`${options.eventId}:failed`);
      },
    };
  },
} as unknown as AuditorService;

const ANNOTATIONS = { 'ibias.io/environments': './environments.yaml' };
/** The real service, and what an attacker who owns nothing registered next to it. */
const ENTITIES = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ibias-api',
      namespace: 'default',
      annotations: ANNOTATIONS,
    },
    spec: { owner: 'group:default/web-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'ibias-api',
      namespace: 'default',
      annotations: ANNOTATIONS,
    },
    spec: { owner: 'user:default/mallory', type: 'service' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ibias-api',
      namespace: 'other',
      annotations: ANNOTATIONS,
    },
    spec: { owner: 'user:default/mallory' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'plain-lib', namespace: 'default' },
    spec: { owner: 'user:default/mallory' },
  },
];

async function app(
  userRef = 'user:default/guest',
  allow = true,
  approvalTtlMinutes = 60,
  stepTimeoutMs = 60_000,
) {
  const store = await testStore(databases, databaseId);
  const target = new GatedTarget();
  const breakGlass: string[] = [];
  const engine = new DeployEngine({
    store,
    target,
    logger: mockServices.logger.mock(),
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 0.01,
    }),
    sleep: async () => {},
    stepTimeoutMs,
  });
  const permissions = mockServices.permissions.mock({
    authorize: async reqs =>
      reqs.map(() => ({
        result: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      })),
  });
  const service = new DeploymentService({
    store,
    engine,
    target,
    catalog: catalogServiceMock({ entities: ENTITIES }),
    permissions,
    auditor,
    canaryWeights: [10, 50, 100],
    approvalTtlMinutes,
    analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
    configReader: new EnvironmentConfigReader({
      urlReader: mockServices.urlReader.mock(),
      fileRoots: [],
    }),
    onBreakGlass: d => breakGlass.push(d.id),
  });
  const health = new PluginHealthCheck({ store, engine, targets: [target] });
  const serverAs = (ref: string) => {
    const r = createRouter({
      service,
      health,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(ref),
      }),
    });
    return { router: r, server: express().use(r).use(mockErrorHandler()) };
  };
  const { router, server } = serverAs(userRef);
  return {
    server,
    engine,
    router,
    serverAs,
    service,
    store,
    target,
    breakGlass,
  };
}

const seen = new Set<string>();
async function call(
  server: express.Express,
  method: 'get' | 'post',
  url: string,
  route: string,
  body?: object,
  headers: Record<string, string> = {},
) {
  let req = request(server)[method](url);
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  const res = body ? await req.send(body) : await req;
  const schema = responseSchema(route, method, res.status);
  expect({
    route,
    method,
    status: res.status,
    declared: Boolean(schema),
  }).toEqual({ route, method, status: res.status, declared: true });
  const validate = ajv.getSchema(schema!)!;
  const valid = validate(res.body);
  expect({
    route,
    status: res.status,
    errors: valid ? null : validate.errors,
  }).toEqual({ route, status: res.status, errors: null });
  seen.add(`${method} ${route}`);
  return res;
}

const deploy = {
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: '1.1.0',
  strategy: 'blue-green',
};

describe.each(ibiasTestDatabaseIds())('on %s', passDatabaseId => {
  beforeAll(() => {
    databaseId = passDatabaseId;
    // What the contract checks below gathered, per database.
    audit.length = 0;
    auditEvents.length = 0;
    seen.clear();
  });

  describe('the HTTP API matches schema/openapi.yaml', () => {
    it('serves exactly the documented routes', async () => {
      const { router } = await app();
      const routes = (router as any).stack
        .filter((l: any) => l.route)
        .flatMap((l: any) =>
          Object.keys(l.route.methods).map(
            m => `${m} ${l.route.path.replace(/:(\w+)/g, '{$1}')}`,
          ),
        )
        // backend-openapi-utils serves the document itself.
        .filter((r: string) => r !== 'get /openapi.json')
        .sort();
      const documented = Object.entries(spec.paths)
        .flatMap(([p, ops]) => Object.keys(ops as object).map(m => `${m} ${p}`))
        .sort();
      expect(routes).toEqual(documented);
    });

    it('answers every route as documented, errors included', async () => {
      const { server, engine, serverAs, target } = await app();
      // The first deploy holds the lock until the gate opens.
      const open = target.shut();
      await call(server, 'post', '/deployments', '/deployments', {
        ...deploy,
        dryRun: true,
      });
      const created = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        deploy,
        {
          'Idempotency-Key': 'k1',
        },
      );
      expect(created.status).toBe(202);
      const replay = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        deploy,
        {
          'Idempotency-Key': 'k1',
        },
      );
      expect(replay.status).toBe(200);
      // 409: while locked
      expect(
        (
          await call(server, 'post', '/deployments', '/deployments', {
            ...deploy,
            version: '1.0.0',
          })
        ).status,
      ).toBe(409);
      open();
      expect(
        (
          await call(server, 'post', '/deployments', '/deployments', {
            ...deploy,
            version: 'x',
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await call(server, 'post', '/deployments', '/deployments', {
            ...deploy,
            entityRef: 'component:default/nope',
          })
        ).status,
      ).toBe(404);
      await engine.settled(created.body.id);
      const id = created.body.id;

      // The target's own records of what ran, on the asked grid.
      target.requestsOf['1.1.0'] = 3;
      const to = new Date();
      const from = new Date(to.getTime() - 60 * 60_000);
      const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
      const traffic = await call(
        server,
        'get',
        `/traffic?entityRef=${deploy.entityRef}&${range}&stepSeconds=60`,
        '/traffic',
      );
      expect(traffic.status).toBe(200);
      expect(traffic.body.items).toHaveLength(1);
      expect(traffic.body.items[0]).toMatchObject({
        environment: 'staging',
        source: 'scripted',
        coverageFrom: from.toISOString(),
        versions: [{ version: '1.1.0', total: { requests: 3 } }],
      });
      expect(traffic.body.items[0].versions[0].points).toHaveLength(61);
      // Only the asked environment; none ran in development.
      const dev = await call(
        server,
        'get',
        `/traffic?entityRef=${deploy.entityRef}&environment=development&${range}&stepSeconds=60`,
        '/traffic',
      );
      expect(dev.body).toEqual({ items: [] });
      for (const [query, status, message] of [
        [`${range}&stepSeconds=1`, 400, /more than 2000 steps/],
        [
          `from=${to.toISOString()}&to=${from.toISOString()}&stepSeconds=60`,
          400,
          /from must be before to/,
        ],
        [`${range}&stepSeconds=0`, 400, /stepSeconds/],
        [`from=yesterday&to=${to.toISOString()}&stepSeconds=60`, 400, /from/],
      ] as const) {
        const res = await call(
          server,
          'get',
          `/traffic?entityRef=${deploy.entityRef}&${query}`,
          '/traffic',
        );
        expect({
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({ status, message: expect.stringMatching(message) });
      }
      // An entity the caller cannot see is a 404, whatever its target recorded.
      expect(
        (
          await call(
            server,
            'get',
            `/traffic?entityRef=component:default/nope&${range}&stepSeconds=60`,
            '/traffic',
          )
        ).status,
      ).toBe(404);
      await call(server, 'get', `/deployments/${id}`, '/deployments/{id}');
      expect(
        (
          await call(
            server,
            'get',
            '/deployments/not-a-uuid',
            '/deployments/{id}',
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await call(
            server,
            'get',
            '/deployments/00000000-0000-4000-8000-000000000000',
            '/deployments/{id}',
          )
        ).status,
      ).toBe(404);
      await call(
        server,
        'get',
        '/deployments?limit=1&status=succeeded,failed',
        '/deployments',
      );
      expect(
        (await call(server, 'get', '/deployments?limit=0', '/deployments'))
          .status,
      ).toBe(400);
      await call(server, 'get', '/environments', '/environments');
      expect(
        (await call(server, 'get', '/health', '/health')).body,
      ).toMatchObject({
        status: 'ok',
        checks: [{ name: 'database', status: 'ok' }],
      });
      await call(
        server,
        'get',
        `/environments?entityRef=${deploy.entityRef}`,
        '/environments',
      );
      await call(
        server,
        'get',
        `/versions?entityRef=${deploy.entityRef}`,
        '/versions',
      );
      expect((await call(server, 'get', '/versions', '/versions')).status).toBe(
        400,
      );

      // Production waits for approval; the requester cannot approve; others can.
      const prod = await call(server, 'post', '/deployments', '/deployments', {
        ...deploy,
        environment: 'production',
      });
      expect(prod.body.status).toBe('pending_approval');
      const own = await call(
        server,
        'post',
        `/deployments/${prod.body.id}/approve`,
        '/deployments/{id}/approve',
        { version: '1.1.0' },
      );
      expect(own.status).toBe(403);
      const rita = serverAs('user:default/rita.release').server;
      // 409: the approval names another version
      expect(
        (
          await call(
            rita,
            'post',
            `/deployments/${prod.body.id}/approve`,
            '/deployments/{id}/approve',
            { version: '1.2.0' },
          )
        ).status,
      ).toBe(409);
      const approved = await call(
        rita,
        'post',
        `/deployments/${prod.body.id}/approve`,
        '/deployments/{id}/approve',
        { version: '1.1.0' },
      );
      expect(approved.body).toMatchObject({
        status: 'queued',
        approvedBy: 'user:default/rita.release',
      });
      await engine.settled(prod.body.id);
      const second = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        {
          ...deploy,
          environment: 'production',
          version: '1.2.0',
        },
      );
      await call(
        server,
        'post',
        `/deployments/${second.body.id}/abort`,
        '/deployments/{id}/abort',
      );
      // 409: already aborted
      expect(
        (
          await call(
            server,
            'post',
            `/deployments/${second.body.id}/abort`,
            '/deployments/{id}/abort',
          )
        ).status,
      ).toBe(409);
      const back = await call(
        server,
        'post',
        `/deployments/${prod.body.id}/rollback`,
        '/deployments/{id}/rollback',
        {},
      ); // nothing earlier in production: 400
      expect(back.status).toBe(400);
      // 400: nothing earlier than 1.1.0
      expect(
        (
          await call(
            server,
            'post',
            `/deployments/${id}/rollback`,
            '/deployments/{id}/rollback',
            {},
          )
        ).status,
      ).toBe(400);
      // 409: not pending
      expect(
        (
          await call(
            server,
            'post',
            `/deployments/${id}/approve`,
            '/deployments/{id}/approve',
            { version: '1.1.0' },
          )
        ).status,
      ).toBe(409);
    });

    it('audits every deploy, approval, abort and rollback, failures included', () => {
      expect(audit).toEqual(
        expect.arrayContaining([
          'deploy-plan:succeeded',
          'deploy:succeeded',
          'deploy:failed',
          'deploy-approve:failed',
          'deploy-approve:succeeded',
          'deploy-abort:succeeded',
          'deploy-abort:failed',
          'deploy-rollback:failed',
        ]),
      );
    });

    it('exercised every documented operation', () => {
      const documented = Object.entries(spec.paths).flatMap(([p, ops]) =>
        Object.keys(ops as object).map(m => `${m} ${p}`),
      );
      expect(documented.filter(d => !seen.has(d))).toEqual([]);
    });

    it('an approval that expired is refused and the deployment aborted; the sweep aborts the rest', async () => {
      const { server, serverAs, service } = await app(
        'user:default/guest',
        true,
        0,
      );
      const first = await call(server, 'post', '/deployments', '/deployments', {
        ...deploy,
        environment: 'production',
      });
      await new Promise(r => setTimeout(r, 5));
      const late = await call(
        serverAs('user:default/rita.release').server,
        'post',
        `/deployments/${first.body.id}/approve`,
        '/deployments/{id}/approve',
        { version: '1.1.0' },
      );
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/approval window .* has expired/);
      const after = await call(
        server,
        'get',
        `/deployments/${first.body.id}`,
        '/deployments/{id}',
      );
      expect(after.body).toMatchObject({
        status: 'aborted',
        reason: 'The approval expired',
      });
      // The lock was freed: another production request is accepted, then swept.
      const second = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        {
          ...deploy,
          environment: 'production',
        },
      );
      expect(second.status).toBe(202);
      await new Promise(r => setTimeout(r, 5));
      expect(await service.expireApprovals()).toBe(1);
    });

    it('a denied permission is a documented 403', async () => {
      const { server } = await app('user:default/nora.nobody', false);
      const res = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        deploy,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'ibias.deployments.deploy on component:default/ibias-api in staging is not allowed',
      );
    });
  });

  const staging = (entityRef: string) => ({ ...deploy, entityRef });

  describe('a deploy target belongs to one entity (issue 8)', () => {
    it.each([
      [
        'a Resource of the same name',
        'resource:default/ibias-api',
        'resource:default/ibias-api is a Resource; only Components with ibias.io/environments are deployable',
      ],
      [
        'a Component without the annotation',
        'component:default/plain-lib',
        'component:default/plain-lib has no ibias.io/environments annotation; only Components with ibias.io/environments are deployable',
      ],
      [
        'a Resource in another letter case',
        'Resource:Default/IBIAS-API',
        'resource:default/ibias-api is a Resource; only Components with ibias.io/environments are deployable',
      ],
    ])(
      'refuses %s with a 400 that says why, dry run too',
      async (_l, ref, message) => {
        const { server, target } = await app('user:default/mallory');
        for (const dryRun of [false, true]) {
          const res = await call(
            server,
            'post',
            '/deployments',
            '/deployments',
            {
              ...staging(ref),
              dryRun,
            },
          );
          expect({
            status: res.status,
            message: res.body.error.message,
          }).toEqual({
            status: 400,
            message,
          });
        }
        const versions = await call(
          server,
          'get',
          `/versions?entityRef=${encodeURIComponent(ref)}`,
          '/versions',
        );
        expect(versions.status).toBe(400);
        expect(target.calls).toEqual([]);
      },
    );

    it('an entity that does not exist stays 404', async () => {
      const { server } = await app();
      const res = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        staging('component:default/ghost'),
      );
      expect(res.status).toBe(404);
    });

    it('refuses, with the target’s reason, a component the target does not serve', async () => {
      const { server, target } = await app('user:default/mallory');
      target.refusals['component:other/ibias-api'] =
        'The local target has no releases for component:other/ibias-api';
      const res = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        staging('component:other/ibias-api'),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'The local target has no releases for component:other/ibias-api',
      );
      expect(target.calls).toEqual([]);
    });

    it('a ref in another letter case is the same service: one lock, one history (409)', async () => {
      // The first deploy hangs (until its step times out), so it holds the lock.
      const { server, engine, target } = await app(
        'user:default/guest',
        true,
        60,
        300,
      );
      target.hang.add('deploy');
      const first = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        staging('Component:Default/IBIAS-API'),
      );
      expect(first.status).toBe(202);
      expect(first.body.entityRef).toBe('component:default/ibias-api');
      const second = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        {
          ...staging('component:default/ibias-api'),
          version: '1.2.0',
        },
      );
      expect(second.status).toBe(409);
      expect(second.body.error.message).toContain(
        `locked by deployment ${first.body.id}`,
      );
      await engine.settled(first.body.id);
      const history = await call(
        server,
        'get',
        '/deployments?entityRef=COMPONENT:default/Ibias-Api',
        '/deployments',
      );
      expect(history.body.items.map((d: { id: string }) => d.id)).toEqual([
        first.body.id,
      ]);
    });

    it('two deploys at once in two letter cases: exactly one is accepted', async () => {
      const { server, engine, target } = await app(
        'user:default/guest',
        true,
        60,
        300,
      );
      target.hang.add('deploy');
      const results = await Promise.all(
        [
          'component:default/ibias-api',
          'component:default/IBIAS-API',
          'COMPONENT:DEFAULT/Ibias-Api',
        ].map((ref, i) =>
          request(server)
            .post('/deployments')
            .send({ ...staging(ref), version: `1.${i}.0` }),
        ),
      );
      expect(results.map(r => r.status).sort()).toEqual([202, 409, 409]);
      const accepted = results.find(r => r.status === 202)!;
      expect(accepted.body.entityRef).toBe('component:default/ibias-api');
      await engine.settled(accepted.body.id);
    });

    it('approve, abort and rollback refuse a deployment of an entity that is not deployable', async () => {
      const { server, store } = await app('user:default/mallory');
      // As if recorded before this check existed.
      const deployment = await seedDeployment(store, {
        entityRef: 'resource:default/ibias-api',
        initiatedBy: 'user:default/mallory',
      });
      const message =
        'resource:default/ibias-api is a Resource; only Components with ibias.io/environments are deployable';
      for (const [action, route, body] of [
        ['approve', '/deployments/{id}/approve', { version: '1.1.0' }],
        ['abort', '/deployments/{id}/abort', undefined],
        ['rollback', '/deployments/{id}/rollback', {}],
      ] as const) {
        const res = await call(
          server,
          'post',
          `/deployments/${deployment.id}/${action}`,
          route,
          body,
        );
        expect({
          action,
          status: res.status,
          message: res.body.error.message,
        }).toEqual({
          action,
          status: 400,
          message,
        });
      }
      expect((await store.get(deployment.id))!.status).toBe('pending_approval');
    });
  });

  describe('production rollback goes through approval, or an audited break-glass', () => {
    /** 1.0.0 then 1.1.0 run in production, each approved by a release manager. */
    async function production(userRef = 'user:default/guest', allow = true) {
      const a = await app(userRef, allow);
      const rita = a.serverAs('user:default/rita.release').server;
      const owner = a.serverAs('user:default/guest').server;
      let last: any;
      for (const version of ['1.0.0', '1.1.0']) {
        const created = await request(owner)
          .post('/deployments')
          .send({ ...deploy, environment: 'production', version });
        expect(created.status).toBe(202);
        const approved = await request(rita)
          .post(`/deployments/${created.body.id}/approve`)
          .send({ version });
        expect(approved.status).toBe(200);
        await a.engine.settled(created.body.id);
        last = created.body;
      }
      a.target.calls = [];
      return { ...a, rita, latest: last };
    }

    it.each([
      ['a reason under 10 characters', { reason: 'too short' }],
      ['a reason over 500 characters', { reason: 'x'.repeat(501) }],
      ['an empty reason', { reason: '          ' }],
      ['no reason', {}],
      ['an unknown field', { reason: 'the database is on fire', who: 'me' }],
    ])('refuses break-glass with %s (400)', async (_l, breakGlass) => {
      const { server, latest, target } = await production();
      const res = await call(
        server,
        'post',
        `/deployments/${latest.id}/rollback`,
        '/deployments/{id}/rollback',
        { breakGlass },
      );
      expect(res.status).toBe(400);
      expect(target.calls).toEqual([]);
    });

    it('refuses break-glass outside production (400): there a rollback runs at once anyway', async () => {
      const { server, engine } = await app();
      const first = await request(server).post('/deployments').send(deploy);
      await engine.settled(first.body.id);
      const res = await call(
        server,
        'post',
        `/deployments/${first.body.id}/rollback`,
        '/deployments/{id}/rollback',
        { breakGlass: { reason: 'because I can, really' } },
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/only for production rollbacks/);
    });

    it('without break-glass, a production rollback waits for a release manager who approves its exact version', async () => {
      const { server, rita, latest, target, engine, breakGlass } =
        await production();
      const res = await call(
        server,
        'post',
        `/deployments/${latest.id}/rollback`,
        '/deployments/{id}/rollback',
        {},
      );
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'pending_approval',
        version: '1.0.0',
        previousVersion: '1.1.0',
        rollbackOf: latest.id,
      });
      expect(res.body.approvalExpiresAt).toBeDefined();
      expect(res.body.breakGlassReason).toBeUndefined();
      expect(target.calls).toEqual([]);
      expect(breakGlass).toEqual([]);
      // The requester cannot approve it; the approval must name its version.
      expect(
        (
          await request(server)
            .post(`/deployments/${res.body.id}/approve`)
            .send({ version: '1.0.0' })
        ).status,
      ).toBe(403);
      expect(
        (
          await request(rita)
            .post(`/deployments/${res.body.id}/approve`)
            .send({ version: '1.1.0' })
        ).status,
      ).toBe(409);
      const approved = await request(rita)
        .post(`/deployments/${res.body.id}/approve`)
        .send({ version: '1.0.0' });
      expect(approved.body).toMatchObject({
        status: 'queued',
        approvedBy: 'user:default/rita.release',
      });
      await engine.settled(res.body.id);
      expect(target.live).toEqual({ '1.0.0': 100 });
    });

    it('break-glass runs at once, keeps the reason, is audited as critical and tells the release managers', async () => {
      const { server, latest, engine, target, breakGlass } = await production();
      auditEvents.length = 0;
      const reason = '  Checkout is failing for every customer since 1.1.0  ';
      const res = await call(
        server,
        'post',
        `/deployments/${latest.id}/rollback`,
        '/deployments/{id}/rollback',
        { breakGlass: { reason } },
      );
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        status: 'queued',
        version: '1.0.0',
        initiatedBy: 'user:default/guest',
        breakGlassReason: reason.trim(),
      });
      expect(breakGlass).toEqual([res.body.id]);
      expect(
        auditEvents.find(e => e.eventId === 'deploy-rollback-break-glass'),
      ).toMatchObject({
        severityLevel: 'critical',
        outcome: 'succeeded',
        meta: expect.objectContaining({
          reason: reason.trim(),
          actor: 'user:default/guest',
        }),
      });
      await engine.settled(res.body.id);
      expect(target.live).toEqual({ '1.0.0': 100 });
      const stored = await call(
        server,
        'get',
        `/deployments/${res.body.id}`,
        '/deployments/{id}',
      );
      expect(stored.body).toMatchObject({
        status: 'succeeded',
        breakGlassReason: reason.trim(),
      });
    });

    it('a break-glass the policy denies is a 403 and a critical audit failure', async () => {
      const a = await app('user:default/mallory', false);
      // Copy the production history into the denying backend's database.
      const latest = (await seedHistory(a.store, ['1.0.0', '1.1.0'])).at(-1)!;
      auditEvents.length = 0;
      const res = await call(
        a.server,
        'post',
        `/deployments/${latest.id}/rollback`,
        '/deployments/{id}/rollback',
        { breakGlass: { reason: 'I want production down now' } },
      );
      expect(res.status).toBe(403);
      expect(
        auditEvents.find(e => e.eventId === 'deploy-rollback-break-glass'),
      ).toMatchObject({ severityLevel: 'critical', outcome: 'failed' });
      expect(a.breakGlass).toEqual([]);
      expect(await a.store.lockHolder(latest.entityRef, 'production')).toBe(
        undefined,
      );
    });
  });

  describe('a 400 names the field and says what it must be (issue 10)', () => {
    it.each([
      [
        'a version that is not semantic',
        { ...deploy, version: 'latest' },
        'request/body/version must be a semantic version such as 1.2.0 or 1.2.0-rc.1',
      ],
      [
        'an entity ref that is not one',
        { ...deploy, entityRef: 'ibias api' },
        'request/body/entityRef must be an entity ref such as component:default/ibias-api',
      ],
      [
        'an unknown field',
        { ...deploy, force: true },
        'request/body/force is not a field this request accepts',
      ],
      [
        'an unknown environment',
        { ...deploy, environment: 'qa' },
        'request/body/environment must be equal to one of the allowed values: development, staging, production',
      ],
    ])('POST /deployments with %s', async (_l, body, message) => {
      const { server, target } = await app();
      const res = await call(
        server,
        'post',
        '/deployments',
        '/deployments',
        body,
      );
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status: 400,
        message,
      });
      expect(target.calls).toEqual([]);
    });

    it('names an unknown field inside a nested object, and leaves the deployment alone', async () => {
      const { server, store } = await app();
      const deployment = await seedDeployment(store);
      const res = await call(
        server,
        'post',
        `/deployments/${deployment.id}/rollback`,
        '/deployments/{id}/rollback',
        { breakGlass: { reason: 'the payment API is down', skipChecks: true } },
      );
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status: 400,
        message:
          'request/body/breakGlass/skipChecks is not a field this request accepts',
      });
      expect((await store.get(deployment.id))?.status).toBe('pending_approval');
    });

    it('words a query parameter’s pattern the same way', async () => {
      const { server } = await app();
      const res = await call(
        server,
        'get',
        '/versions?entityRef=not%20a%20ref',
        '/versions',
      );
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status: 400,
        message:
          'request/query/entityRef must be an entity ref such as component:default/ibias-api',
      });
    });
  });
});

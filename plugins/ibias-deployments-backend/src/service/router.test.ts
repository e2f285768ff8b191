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
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_ANALYSIS_POLICY } from '@internal/plugin-ibias-deployments-common';
import { DeployEngine } from '../engine/DeployEngine';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { DeploymentService } from './DeploymentService';
import { EnvironmentConfigReader } from './EnvironmentConfigReader';
import { createRouter } from './router';
import { testStore } from '../testing/testStore';

// Contract test: every route the router serves is in schema/openapi.yaml and every
// answer (success and error) matches the response the document declares for it.
const spec = parseYaml(
  fs.readFileSync(path.resolve(__dirname, '../../schema/openapi.yaml'), 'utf8'),
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

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** Records audit events (id, outcome) like the real auditor would emit them. */
const audit: string[] = [];
const auditor = {
  createEvent: async ({ eventId }: { eventId: string }) => ({
    success: async () => {
      audit.push(`${eventId}:succeeded`);
    },
    fail: async () => {
      audit.push(`${eventId}:failed`);
    },
  }),
} as unknown as AuditorService;

async function app(
  userRef = 'user:default/guest',
  allow = true,
  approvalTtlMinutes = 60,
) {
  const store = await testStore(databases);
  const target = new ScriptedTarget();
  const engine = new DeployEngine({
    store,
    target,
    logger: mockServices.logger.mock(),
    analysisPolicy: () => ({
      ...DEFAULT_ANALYSIS_POLICY,
      intervalSeconds: 0.01,
    }),
    sleep: async () => {},
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
    catalog: catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'ibias-api', namespace: 'default' },
          spec: { owner: 'group:default/web-team' },
        },
      ],
    }),
    permissions,
    auditor,
    canaryWeights: [10, 50, 100],
    approvalTtlMinutes,
    analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
    configReader: new EnvironmentConfigReader({
      urlReader: mockServices.urlReader.mock(),
      fileRoots: [],
    }),
  });
  const serverAs = (ref: string) => {
    const r = createRouter({
      service,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.user(ref),
      }),
      auditor,
    });
    return { router: r, server: express().use(r).use(mockErrorHandler()) };
  };
  const { router, server } = serverAs(userRef);
  return { server, engine, router, serverAs, service };
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
      .sort();
    const documented = Object.entries(spec.paths)
      .flatMap(([p, ops]) => Object.keys(ops as object).map(m => `${m} ${p}`))
      .sort();
    expect(routes).toEqual(documented);
  });

  it('answers every route as documented, errors included', async () => {
    const { server, engine, serverAs } = await app();
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
    await call(server, 'post', '/deployments', '/deployments', {
      ...deploy,
      version: '1.0.0',
    }); // 409 while locked
    await call(server, 'post', '/deployments', '/deployments', {
      ...deploy,
      version: 'x',
    }); // 400
    await call(server, 'post', '/deployments', '/deployments', {
      ...deploy,
      entityRef: 'component:default/nope',
    }); // 404
    await engine.settled(created.body.id);
    const id = created.body.id;
    await call(server, 'get', `/deployments/${id}`, '/deployments/{id}');
    await call(server, 'get', '/deployments/not-a-uuid', '/deployments/{id}'); // 400
    await call(
      server,
      'get',
      '/deployments/00000000-0000-4000-8000-000000000000',
      '/deployments/{id}',
    ); // 404
    await call(
      server,
      'get',
      '/deployments?limit=1&status=succeeded,failed',
      '/deployments',
    );
    await call(server, 'get', '/deployments?limit=0', '/deployments'); // 400
    await call(server, 'get', '/environments', '/environments');
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
    await call(server, 'get', '/versions', '/versions'); // 400

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
    await call(
      rita,
      'post',
      `/deployments/${prod.body.id}/approve`,
      '/deployments/{id}/approve',
      { version: '1.2.0' },
    ); // 409: the approval names another version
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
    const second = await call(server, 'post', '/deployments', '/deployments', {
      ...deploy,
      environment: 'production',
      version: '1.2.0',
    });
    await call(
      server,
      'post',
      `/deployments/${second.body.id}/abort`,
      '/deployments/{id}/abort',
    );
    await call(
      server,
      'post',
      `/deployments/${second.body.id}/abort`,
      '/deployments/{id}/abort',
    ); // 409: already aborted
    const back = await call(
      server,
      'post',
      `/deployments/${prod.body.id}/rollback`,
      '/deployments/{id}/rollback',
      {},
    ); // nothing earlier in production: 400
    expect(back.status).toBe(400);
    await call(
      server,
      'post',
      `/deployments/${id}/rollback`,
      '/deployments/{id}/rollback',
      {},
    ); // 400: nothing earlier than 1.1.0
    await call(
      server,
      'post',
      `/deployments/${id}/approve`,
      '/deployments/{id}/approve',
      { version: '1.1.0' },
    ); // 409: not pending
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
    const second = await call(server, 'post', '/deployments', '/deployments', {
      ...deploy,
      environment: 'production',
    });
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

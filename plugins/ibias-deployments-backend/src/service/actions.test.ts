import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  DEFAULT_ANALYSIS_POLICY,
  nextStatus,
} from '@internal/plugin-ibias-deployments-common';
import { DeployEngine } from '../engine/DeployEngine';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { testStore } from '../testing/testStore';
import { seedDeployment, seedHistory } from '../testing/seedDeployments';
import { registerDeploymentActions } from './actions';
import { DeploymentService } from './DeploymentService';
import { EnvironmentConfigReader } from './EnvironmentConfigReader';
import { createRouter } from './router';
import { IBIAS_API_ENTITY } from '../testing/fixtures';

// Every transition the service makes goes through the state machine: record them.
jest.mock('@internal/plugin-ibias-deployments-common', () => {
  const actual = jest.requireActual(
    '@internal/plugin-ibias-deployments-common',
  );
  return { ...actual, nextStatus: jest.fn(actual.nextStatus) };
});

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const USER = 'user:default/olivia.owner';
const SERVICE = IBIAS_API_ENTITY;

/** The HTTP API and the MCP actions over one DeploymentService, one auditor. */
async function setup(databaseId: TestDatabaseId, approvalTtlMinutes = 60) {
  const store = await testStore(databases, databaseId);
  const target = new ScriptedTarget();
  const engine = new DeployEngine({
    store,
    target,
    logger: mockServices.logger.mock(),
    analysisPolicy: () => ({ ...DEFAULT_ANALYSIS_POLICY, intervalSeconds: 0 }),
    sleep: async () => {},
  });
  const auditor = mockServices.auditor.mock();
  /** What the service announced, as [status, event]. */
  const changes: Array<[string, string | undefined]> = [];
  const service = new DeploymentService({
    onChange: (d, event) => changes.push([d.status, event]),
    store,
    engine,
    target,
    catalog: catalogServiceMock({ entities: [SERVICE] }),
    permissions: mockServices.permissions.mock({
      authorize: async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    }),
    auditor,
    canaryWeights: [10, 50, 100],
    approvalTtlMinutes,
    analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
    configReader: new EnvironmentConfigReader({
      urlReader: mockServices.urlReader.mock(),
      fileRoots: [],
    }),
  });
  const actions = actionsRegistryServiceMock();
  registerDeploymentActions(actions, service);
  const http = express()
    .use(
      createRouter({
        service,
        health: {
          check: async () => ({
            status: 'ok',
            checkedAt: '',
            checks: [],
            engine: engine.status(),
          }),
        },
        httpAuth: mockServices.httpAuth({
          defaultCredentials: mockCredentials.user(USER),
        }),
      }),
    )
    .use(mockErrorHandler());
  const invoke = (name: string, input: Record<string, string | boolean>) =>
    actions.invoke({
      id: `test:${name}`,
      input,
      credentials: mockCredentials.user(USER),
    });
  /** The audit events, as [options without the request, whether it had one]. */
  const events = () =>
    auditor.createEvent.mock.calls.map(([{ request: r, ...rest }]) => ({
      ...rest,
      fromHttp: r !== undefined,
    }));
  return { service, store, engine, http, invoke, auditor, events, changes };
}

const deploy = {
  entityRef: 'Component:Default/IBIAS-API',
  environment: 'staging',
  version: '1.1.0',
  strategy: 'canary',
};

describe.each(ibiasTestDatabaseIds())('on %s', databaseId => {
  describe('deployment MCP actions', () => {
    it('an MCP deploy is audited exactly like an HTTP deploy', async () => {
      const viaHttp = await setup(databaseId);
      const res = await request(viaHttp.http).post('/deployments').send(deploy);
      expect(res.status).toBe(202);
      await viaHttp.engine.settled(res.body.id);

      const viaMcp = await setup(databaseId);
      const out = await viaMcp.invoke('deploy-service', deploy);
      expect(out.output).toMatchObject({ status: 'queued' });

      const expected = {
        eventId: 'deploy',
        severityLevel: 'medium',
        meta: {
          entityRef: 'component:default/ibias-api',
          environment: 'staging',
          version: '1.1.0',
          strategy: 'canary',
          actor: USER,
        },
      };
      expect(viaHttp.events()).toEqual([{ ...expected, fromHttp: true }]);
      expect(viaMcp.events()).toEqual([{ ...expected, fromHttp: false }]);
    });

    it('a dry run is audited as deploy-plan either way', async () => {
      const { http, invoke, events } = await setup(databaseId);
      expect(
        (
          await request(http)
            .post('/deployments')
            .send({ ...deploy, dryRun: true })
        ).status,
      ).toBe(200);
      expect(
        (await invoke('deploy-service', { ...deploy, dryRun: true })).output,
      ).toMatchObject({ status: 'planned' });
      expect(events().map(e => [e.eventId, e.meta])).toEqual([
        ['deploy-plan', expect.objectContaining({ dryRun: true })],
        ['deploy-plan', expect.objectContaining({ dryRun: true })],
      ]);
    });

    it.each([
      ['a version that is not semantic', { ...deploy, version: 'latest' }],
      [
        'an entity ref that is not one',
        { ...deploy, entityRef: 'ibias-api with spaces' },
      ],
    ])(
      'the service refuses %s with the message the HTTP API gives',
      async (_l, input) => {
        const { http, invoke, service, events } = await setup(databaseId);
        const res = await request(http).post('/deployments').send(input);
        expect(res.status).toBe(400);
        await expect(invoke('deploy-service', input)).rejects.toThrow(
          res.body.error.message,
        );
        // And the service itself, for any later caller.
        await expect(
          service.create(
            { ...deploy, ...input, environment: 'staging', strategy: 'canary' },
            { credentials: mockCredentials.user(USER) },
          ),
        ).rejects.toThrow(res.body.error.message);
        expect(res.body.error.message).toMatch(/^request\/body\/\w+ must /);
        expect(events()).toEqual([]);
      },
    );

    it.each([
      ['a short reason', 'too short', /must NOT have fewer than 10 characters/],
      ['a reason over 500 characters', 'x'.repeat(501), /more than 500/],
      [
        'a reason of spaces',
        ' '.repeat(12),
        /leading and trailing white space/,
      ],
    ])(
      'rollback-deployment refuses %s as the HTTP API does',
      async (_l, reason, message) => {
        const { http, invoke, store, events } = await setup(databaseId);
        const deployment = await seedDeployment(store);
        const res = await request(http)
          .post(`/deployments/${deployment.id}/rollback`)
          .send({ breakGlass: { reason } });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
        await expect(
          invoke('rollback-deployment', {
            deploymentId: deployment.id,
            breakGlassReason: reason,
          }),
        ).rejects.toThrow(res.body.error.message);
        expect(events()).toEqual([]);
      },
    );

    it('a deployment id that is not a uuid is refused like the HTTP path parameter', async () => {
      const { http, invoke } = await setup(databaseId);
      const res = await request(http)
        .post('/deployments/nope/rollback')
        .send({});
      expect(res.status).toBe(400);
      await expect(
        invoke('rollback-deployment', { deploymentId: 'nope' }),
      ).rejects.toThrow(res.body.error.message);
    });

    it('deployment-status normalises the entity ref', async () => {
      const { invoke, engine } = await setup(databaseId);
      const { output } = await invoke('deploy-service', deploy);
      await engine.settled((output as { deploymentId: string }).deploymentId);
      const status = await invoke('deployment-status', {
        entityRef: 'COMPONENT:default/Ibias-Api',
      });
      expect(status.output).toMatchObject({
        environments: [
          {
            entityRef: 'component:default/ibias-api',
            environment: 'staging',
            version: '1.1.0',
          },
        ],
      });
    });

    it('rollback-deployment carries break-glass, trimmed, and is audited as critical', async () => {
      const { invoke, store, events } = await setup(databaseId);
      await seedHistory(store, ['1.0.0', '1.1.0']);
      const [latest] = (await store.list({ limit: 1 })).items;
      const out = await invoke('rollback-deployment', {
        deploymentId: latest.id,
        breakGlassReason: '  Checkout fails for everyone  ',
      });
      expect(out.output).toMatchObject({ version: '1.0.0', status: 'queued' });
      expect(events()).toEqual([
        expect.objectContaining({
          eventId: 'deploy-rollback',
          meta: {
            id: latest.id,
            breakGlass: { reason: 'Checkout fails for everyone' },
            actor: USER,
          },
        }),
        expect.objectContaining({
          eventId: 'deploy-rollback-break-glass',
          severityLevel: 'critical',
        }),
      ]);
    });
  });

  describe('DeploymentService transitions', () => {
    it('expiring an approval goes through the state machine (expire), late approval and sweep alike', async () => {
      const { http, service, store } = await setup(databaseId, 0);
      const created = await request(http)
        .post('/deployments')
        .send({ ...deploy, environment: 'production' });
      expect(created.status).toBe(202);
      await new Promise(r => setTimeout(r, 5));
      jest.mocked(nextStatus).mockClear();
      expect(await service.expireApprovals()).toBe(1);
      expect(jest.mocked(nextStatus).mock.calls).toEqual([
        ['pending_approval', 'expire'],
      ]);
      expect(await store.get(created.body.id)).toMatchObject({
        status: 'aborted',
        reason: 'The approval expired',
      });
    });

    it('aborting goes through the state machine (abort)', async () => {
      const { http, service } = await setup(databaseId);
      const created = await request(http)
        .post('/deployments')
        .send({ ...deploy, environment: 'production' });
      jest.mocked(nextStatus).mockClear();
      const aborted = await service.abort(created.body.id, {
        credentials: mockCredentials.user(USER),
      });
      expect(aborted.status).toBe('aborted');
      expect(jest.mocked(nextStatus).mock.calls).toContainEqual([
        'pending_approval',
        'abort',
      ]);
    });
    it('announces what it changes itself: a request waiting for approval, its approval, an abort, an expiry', async () => {
      const { http, service, changes } = await setup(databaseId, 0);
      const credentials = mockCredentials.user(USER);
      const waiting = await request(http)
        .post('/deployments')
        .send({ ...deploy, environment: 'production' });
      expect(changes).toEqual([['pending_approval', undefined]]);
      await service.abort(waiting.body.id, { credentials });
      expect(changes.at(-1)).toEqual(['aborted', 'abort']);
      const again = await request(http)
        .post('/deployments')
        .send({ ...deploy, environment: 'production' });
      await new Promise(r => setTimeout(r, 5));
      await service.expireApprovals();
      expect(changes.slice(-2)).toEqual([
        ['pending_approval', undefined],
        ['aborted', 'expire'],
      ]);
      // A replayed request changes nothing, so it announces nothing.
      const count = changes.length;
      const key = { 'Idempotency-Key': 'same-request' };
      await request(http).post('/deployments').set(key).send(deploy);
      const settled = changes.length;
      await request(http).post('/deployments').set(key).send(deploy);
      expect(changes.length).toBe(settled);
      expect(settled).toBeGreaterThan(count);
      expect(again.status).toBe(202);
    });
  });
});

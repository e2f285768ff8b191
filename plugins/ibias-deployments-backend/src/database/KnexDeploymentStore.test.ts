import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import {
  ibiasTestDatabaseIds,
  postgresRequired,
} from '@internal/ibias-test-utils';
import { planSteps } from '@internal/plugin-ibias-deployments-common';
import type { NewDeployment } from './DeploymentStore';
import { testStore } from '../testing/testStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

function request(overrides: Partial<NewDeployment> = {}): NewDeployment {
  return {
    entityRef: 'component:default/ibias-api',
    environment: 'staging',
    version: '1.1.0',
    previousVersion: '1.0.0',
    strategy: 'blue-green',
    status: 'queued',
    steps: planSteps('blue-green'),
    initiatedBy: 'user:default/guest',
    ...overrides,
  };
}

it('runs on PostgreSQL too when CI asks for it', () => {
  expect(ibiasTestDatabaseIds().length).toBe(postgresRequired() ? 2 : 1);
});

describe.each(databases.eachSupportedId())('KnexDeploymentStore on %s', id => {
  async function store() {
    return testStore(databases, id);
  }

  it('accepts exactly one of 50 concurrent deploys per service and environment; the rest conflict naming the holder', async () => {
    const s = await store();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        s.create(request({ version: `1.1.${i}` })),
      ),
    );
    const accepted = results.filter(r => r.status === 'fulfilled');
    const rejected = results.filter(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    const holder = (accepted[0] as PromiseFulfilledResult<any>).value.deployment
      .id;
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(ConflictError);
      expect(r.reason.message).toContain(`locked by deployment ${holder}`);
    }
    // Other environments and services are not blocked.
    await expect(
      s.create(request({ environment: 'production' })),
    ).resolves.toBeDefined();
    await expect(
      s.create(request({ entityRef: 'component:default/ai-recommendations' })),
    ).resolves.toBeDefined();
  });

  it('expires a pending approval exactly its TTL after the deployment was created', async () => {
    const s = await store();
    const { deployment } = await s.create(
      request({ status: 'pending_approval', approvalTtlMs: 60 * 60_000 }),
    );
    expect(
      Date.parse(deployment.approvalExpiresAt!) -
        Date.parse(deployment.createdAt),
    ).toBe(60 * 60_000);
    const queued = await s.create(request({ environment: 'development' }));
    expect(queued.deployment.approvalExpiresAt).toBeUndefined();
  });

  it('returns the same deployment for a retried Idempotency-Key, even concurrently', async () => {
    const s = await store();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        s.create(request({ idempotencyKey: 'run-42', requestHash: 'h1' })),
      ),
    );
    const ids = new Set(results.map(r => r.deployment.id));
    expect(ids.size).toBe(1);
    expect(results.filter(r => !r.replayed)).toHaveLength(1);
    // Same key, different body: refused.
    await expect(
      s.create(request({ idempotencyKey: 'run-42', requestHash: 'h2' })),
    ).rejects.toThrow(/used for a different request/);
    // Keys are per actor.
    await expect(
      s.create(
        request({
          idempotencyKey: 'run-42',
          initiatedBy: 'user:default/rita.release',
          environment: 'development',
        }),
      ),
    ).resolves.toMatchObject({ replayed: false });
  });

  it('updates compare-and-set, frees the lock and records what runs on a terminal status', async () => {
    const s = await store();
    const { deployment } = await s.create(request());
    const running = await s.update(deployment.id, 0, {
      status: 'running',
      startedAt: new Date().toISOString(),
    });
    expect(running?.revision).toBe(1);
    // A writer holding the old revision loses.
    expect(await s.update(deployment.id, 0, { status: 'aborted' })).toBe(
      undefined,
    );
    expect(await s.lockHolder(deployment.entityRef, 'staging')).toBe(
      deployment.id,
    );
    const done = await s.update(deployment.id, 1, {
      status: 'succeeded',
      finishedAt: new Date().toISOString(),
      environmentState: {
        version: '1.1.0',
        since: '2026-11-26T12:00:00.000Z',
        deployedBy: 'user:default/guest',
        strategy: 'blue-green',
        deploymentId: deployment.id,
      },
    });
    expect(done?.status).toBe('succeeded');
    expect(await s.lockHolder(deployment.entityRef, 'staging')).toBe(undefined);
    expect(await s.environmentStates(deployment.entityRef)).toEqual([
      {
        entityRef: deployment.entityRef,
        environment: 'staging',
        version: '1.1.0',
        since: '2026-11-26T12:00:00.000Z',
        deployedBy: 'user:default/guest',
        strategy: 'blue-green',
        deploymentId: deployment.id,
      },
    ]);
    // The lock is free: the next deploy is accepted.
    await expect(
      s.create(request({ version: '1.2.0' })),
    ).resolves.toMatchObject({ replayed: false });
    expect(
      (await s.successfulVersions(deployment.entityRef, 'staging')).map(
        v => v.version,
      ),
    ).toEqual(['1.1.0']);
  });

  it('owns work in flight: heartbeats of the owner only, a claim only on what was seen, abort requests, released when terminal', async () => {
    const s = await store();
    const { deployment } = await s.create(request());
    const waited = (ms: number) => new Promise(r => setTimeout(r, ms));
    // Started by engine A: A owns it, and every write of A is a heartbeat.
    const running = (await s.update(deployment.id, 0, {
      status: 'running',
      ownerId: 'engine-a',
    }))!;
    expect(running.ownerId).toBe('engine-a');
    expect(Date.parse(running.heartbeatAt!)).toBeGreaterThan(Date.now() - 1000);
    await waited(20);
    // Another engine's heartbeat does nothing; the owner's moves it, not the revision.
    expect(await s.heartbeat('engine-b', [deployment.id])).toEqual({
      owned: [],
      abortRequested: [],
    });
    expect(await s.heartbeat('engine-a', [deployment.id])).toEqual({
      owned: [deployment.id],
      abortRequested: [],
    });
    const beaten = (await s.get(deployment.id))!;
    expect(beaten.revision).toBe(running.revision);
    expect(beaten.heartbeatAt! > running.heartbeatAt!).toBe(true);
    // A claim on what a sweeper saw before that beat fails: the owner is alive.
    expect(
      await s.claim(
        deployment.id,
        { revision: running.revision, heartbeatAt: running.heartbeatAt },
        'engine-b',
      ),
    ).toBeUndefined();
    // Someone on another replica asks to abort: the owner's next beat hears it.
    expect(await s.requestAbort(deployment.id, 'user:default/ops')).toBe(true);
    expect(await s.heartbeat('engine-a', [deployment.id])).toEqual({
      owned: [deployment.id],
      abortRequested: [deployment.id],
    });
    // Two claims on the same unchanged sight: exactly one wins, and the loser's engine
    // no longer owns it.
    const seen = (await s.get(deployment.id))!;
    const [b, c] = await Promise.all([
      s.claim(
        deployment.id,
        { revision: seen.revision, heartbeatAt: seen.heartbeatAt },
        'engine-b',
      ),
      s.claim(
        deployment.id,
        { revision: seen.revision, heartbeatAt: seen.heartbeatAt },
        'engine-c',
      ),
    ]);
    expect([b, c].filter(Boolean)).toHaveLength(1);
    const claimed = (b ?? c)!;
    expect(claimed.revision).toBe(seen.revision + 1);
    expect((await s.heartbeat('engine-a', [deployment.id])).owned).toEqual([]);
    // A terminal status lets go of it: no owner, no heartbeat, nothing to beat.
    const done = (await s.update(deployment.id, claimed.revision, {
      status: 'rolled_back',
    }))!;
    expect(done.ownerId).toBeUndefined();
    expect(done.heartbeatAt).toBeUndefined();
    expect(await s.heartbeat(claimed.ownerId!, [deployment.id])).toEqual({
      owned: [],
      abortRequested: [],
    });
    expect(await s.requestAbort(deployment.id, 'user:default/ops')).toBe(false);
  });

  it('a queued deployment nobody started can be claimed only as it was seen, without a heartbeat', async () => {
    const s = await store();
    const { deployment } = await s.create(request());
    expect(deployment.heartbeatAt).toBeUndefined();
    const claimed = await s.claim(
      deployment.id,
      { revision: 0, heartbeatAt: undefined },
      'engine-a',
    );
    expect(claimed?.ownerId).toBe('engine-a');
    expect(
      await s.claim(
        deployment.id,
        { revision: 0, heartbeatAt: undefined },
        'engine-b',
      ),
    ).toBeUndefined();
  });

  it('pages history newest first with a cursor, and filters', async () => {
    const s = await store();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { deployment } = await s.create(
        request({ environment: 'development', version: `1.0.${i}` }),
      );
      ids.push(deployment.id);
      await s.update(deployment.id, 0, { status: 'aborted' });
    }
    const first = await s.list({ environment: 'development', limit: 2 });
    expect(first.items.map(d => d.version)).toEqual(['1.0.4', '1.0.3']);
    const second = await s.list({
      environment: 'development',
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map(d => d.version)).toEqual(['1.0.2', '1.0.1']);
    const third = await s.list({
      environment: 'development',
      limit: 2,
      cursor: second.nextCursor,
    });
    expect(third.items.map(d => d.version)).toEqual(['1.0.0']);
    expect(third.nextCursor).toBeUndefined();
    expect(
      (await s.list({ status: ['running'], limit: 10 })).items,
    ).toHaveLength(0);
    await expect(s.list({ limit: 2, cursor: 'nonsense' })).rejects.toThrow(
      'Invalid cursor',
    );
  });

  it('one lock per service whatever the letter case: the second deploy conflicts', async () => {
    const s = await store();
    const first = await s.create(
      request({ entityRef: 'component:default/ibias-api' }),
    );
    await expect(
      s.create(request({ entityRef: 'component:default/IBIAS-API' })),
    ).rejects.toThrow(
      `component:default/ibias-api in staging is locked by deployment ${first.deployment.id}`,
    );
    expect(await s.lockHolder('Component:Default/Ibias-Api', 'staging')).toBe(
      first.deployment.id,
    );
  });

  it('exactly one of 30 concurrent deploys in mixed letter cases is accepted, stored lowercase', async () => {
    const s = await store();
    const spellings = [
      'component:default/ibias-api',
      'component:default/IBIAS-API',
      'Component:Default/Ibias-Api',
    ];
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        s.create(
          request({
            entityRef: spellings[i % 3],
            version: `1.1.${i}`,
          }),
        ),
      ),
    );
    const accepted = results.filter(
      (r): r is PromiseFulfilledResult<any> => r.status === 'fulfilled',
    );
    expect(accepted).toHaveLength(1);
    expect(accepted[0].value.deployment.entityRef).toBe(
      'component:default/ibias-api',
    );
    for (const r of results.filter(x => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    const history = await s.list({
      entityRef: 'COMPONENT:DEFAULT/IBIAS-API',
      limit: 50,
    });
    expect(history.items).toHaveLength(1);
  });

  it('keeps a break-glass reason', async () => {
    const s = await store();
    const { deployment } = await s.create(
      request({
        environment: 'production',
        breakGlassReason: 'Checkout is failing for everyone',
      }),
    );
    expect((await s.get(deployment.id))!.breakGlassReason).toBe(
      'Checkout is failing for everyone',
    );
  });

  it('the migration lowercases refs from before; collisions keep the earliest lock and the newest state; down keeps them', async () => {
    const knex = await databases.init(id);
    const config = {
      directory: path.resolve(__dirname, '../../migrations'),
      tableName: 'ibias_deployments_migrations',
    };
    await knex.migrate.up({ ...config, name: '20261126120000_init.js' });
    const row = (entityRef: string, deploymentId: string) => ({
      id: deploymentId,
      entity_ref: entityRef,
      environment: 'staging',
      version: '1.0.0',
      previous_version: null,
      strategy: 'blue-green',
      status: 'succeeded',
      steps: '[]',
      evidence: '[]',
      initiated_by: 'user:default/guest',
      revision: 0,
      created_at: '2026-11-01T00:00:00.000Z',
      updated_at: '2026-11-01T00:00:00.000Z',
    });
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    await knex('ibias_deployments').insert([
      row('component:default/IBIAS-API', a),
      row('component:default/ibias-api', b),
    ]);
    await knex('ibias_deployment_locks').insert([
      {
        entity_ref: 'component:default/IBIAS-API',
        environment: 'staging',
        deployment_id: a,
        acquired_at: '2026-11-01T00:00:00.000Z',
      },
      {
        entity_ref: 'component:default/ibias-api',
        environment: 'staging',
        deployment_id: b,
        acquired_at: '2026-11-02T00:00:00.000Z',
      },
    ]);
    const state = (entityRef: string, version: string, since: string) => ({
      entity_ref: entityRef,
      environment: 'staging',
      version,
      since,
      deployed_by: 'user:default/guest',
      strategy: 'blue-green',
      deployment_id: a,
    });
    await knex('ibias_environment_state').insert([
      state('component:default/IBIAS-API', '1.2.0', '2026-11-03T00:00:00.000Z'),
      state('component:default/ibias-api', '1.1.0', '2026-11-02T00:00:00.000Z'),
      state('Component:Default/Other', '1.0.0', '2026-11-01T00:00:00.000Z'),
    ]);

    await knex.migrate.latest(config);
    const refs = async (table: string) =>
      (await knex(table).select('entity_ref')).map(r => r.entity_ref).sort();
    expect(await refs('ibias_deployments')).toEqual([
      'component:default/ibias-api',
      'component:default/ibias-api',
    ]);
    expect(await knex('ibias_deployment_locks').select()).toEqual([
      expect.objectContaining({
        entity_ref: 'component:default/ibias-api',
        deployment_id: a,
      }),
    ]);
    expect(
      (
        await knex('ibias_environment_state').orderBy('entity_ref').select()
      ).map(r => [r.entity_ref, r.version]),
    ).toEqual([
      ['component:default/ibias-api', '1.2.0'],
      ['component:default/other', '1.0.0'],
    ]);

    // Down: the break-glass column goes, the lowercase refs stay.
    await knex.migrate.down(config);
    await knex.migrate.down(config);
    expect(
      await knex.schema.hasColumn('ibias_deployments', 'break_glass_reason'),
    ).toBe(false);
    expect(await refs('ibias_deployments')).toEqual([
      'component:default/ibias-api',
      'component:default/ibias-api',
    ]);
  });
});

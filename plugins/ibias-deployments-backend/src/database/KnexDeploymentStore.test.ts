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
});

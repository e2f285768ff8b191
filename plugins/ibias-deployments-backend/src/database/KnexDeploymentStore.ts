import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  isTerminal,
  type DeploymentStatus,
  type EnvironmentName,
  type EnvironmentState,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeploymentFilter,
  DeploymentPage,
  DeploymentStore,
  DeploymentUpdate,
  NewDeployment,
  StoredDeployment,
} from './DeploymentStore';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-ibias-deployments-backend',
  'migrations',
);

const IN_FLIGHT: DeploymentStatus[] = ['pending_approval', 'queued', 'running'];

interface Row {
  id: string;
  entity_ref: string;
  environment: string;
  version: string;
  previous_version: string | null;
  strategy: string;
  status: string;
  reason: string | null;
  steps: string;
  evidence: string;
  initiated_by: string;
  approved_by: string | null;
  rollback_of: string | null;
  break_glass_reason: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  revision: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  approval_expires_at: string | null;
  owner_id?: string | null;
  heartbeat_at?: string | null;
  abort_requested_by?: string | null;
}

function fromRow(r: Row): StoredDeployment {
  const optional = <T>(v: T | null) => (v === null ? undefined : v);
  return {
    id: r.id,
    entityRef: r.entity_ref,
    environment: r.environment as EnvironmentName,
    version: r.version,
    previousVersion: r.previous_version,
    strategy: r.strategy as Strategy,
    status: r.status as DeploymentStatus,
    reason: optional(r.reason),
    steps: JSON.parse(r.steps),
    evidence: JSON.parse(r.evidence),
    initiatedBy: r.initiated_by,
    approvedBy: optional(r.approved_by),
    rollbackOf: optional(r.rollback_of),
    breakGlassReason: optional(r.break_glass_reason),
    idempotencyKey: optional(r.idempotency_key),
    requestHash: optional(r.request_hash),
    revision: Number(r.revision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: optional(r.started_at),
    finishedAt: optional(r.finished_at),
    approvalExpiresAt: optional(r.approval_expires_at),
    ownerId: optional(r.owner_id ?? null),
    heartbeatAt: optional(r.heartbeat_at ?? null),
    abortRequestedBy: optional(r.abort_requested_by ?? null),
  };
}

/** Entity refs as the catalog keys them: lowercase (catalog-backend does the same). */
const normalized = (entityRef: string) => entityRef.toLocaleLowerCase('en-US');

/** A primary-key or unique violation, on SQLite or PostgreSQL. */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
}

function encodeCursor(r: { created_at: string; id: string }) {
  return Buffer.from(JSON.stringify([r.created_at, r.id])).toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every(v => typeof v === 'string')
    ) {
      return value as [string, string];
    }
  } catch {
    // fall through
  }
  throw new InputError('Invalid cursor');
}

/**
 * Timestamps as fixed-width ISO strings sort the same on every database; strictly
 * increasing within the process, so history has a stable order.
 */
let lastMs = 0;
const now = () => {
  lastMs = Math.max(Date.now(), lastMs + 1);
  return new Date(lastMs).toISOString();
};

export class KnexDeploymentStore implements DeploymentStore {
  static async create(database: DatabaseService): Promise<KnexDeploymentStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({
        directory: migrationsDir,
        tableName: 'ibias_deployments_migrations',
      });
    }
    return new KnexDeploymentStore(client);
  }

  constructor(private readonly db: Knex) {}

  async create(request: NewDeployment) {
    const input = { ...request, entityRef: normalized(request.entityRef) };
    if (input.idempotencyKey) {
      const existing = await this.byIdempotencyKey(
        input.initiatedBy,
        input.idempotencyKey,
      );
      if (existing) return this.replay(existing, input);
    }
    const at = now();
    const row: Row = {
      id: randomUUID(),
      entity_ref: input.entityRef,
      environment: input.environment,
      version: input.version,
      previous_version: input.previousVersion,
      strategy: input.strategy,
      status: input.status,
      reason: null,
      steps: JSON.stringify(input.steps),
      evidence: '[]',
      initiated_by: input.initiatedBy,
      approved_by: null,
      rollback_of: input.rollbackOf ?? null,
      break_glass_reason: input.breakGlassReason ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      request_hash: input.requestHash ?? null,
      revision: 0,
      created_at: at,
      updated_at: at,
      started_at: null,
      finished_at: null,
      approval_expires_at:
        input.approvalTtlMs === undefined
          ? null
          : new Date(Date.parse(at) + input.approvalTtlMs).toISOString(),
    };
    try {
      await this.db.transaction(async tx => {
        // The lock row's primary key makes one deploy per service and environment
        // atomic on every database: a second insert fails, whoever comes second.
        await tx('ibias_deployment_locks').insert({
          entity_ref: input.entityRef,
          environment: input.environment,
          deployment_id: row.id,
          acquired_at: at,
        });
        await tx('ibias_deployments').insert(row);
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      // A retried request with the same key may have lost the race to its twin.
      if (input.idempotencyKey) {
        const existing = await this.byIdempotencyKey(
          input.initiatedBy,
          input.idempotencyKey,
        );
        if (existing) return this.replay(existing, input);
      }
      const holder = await this.lockHolder(input.entityRef, input.environment);
      throw new ConflictError(
        `${input.entityRef} in ${input.environment} is locked by deployment ${
          holder ?? '(just released; retry)'
        }`,
      );
    }
    return { deployment: fromRow(row), replayed: false };
  }

  private replay(existing: StoredDeployment, input: NewDeployment) {
    if (
      input.requestHash &&
      existing.requestHash &&
      existing.requestHash !== input.requestHash
    ) {
      throw new ConflictError(
        `Idempotency-Key ${input.idempotencyKey} was used for a different request (deployment ${existing.id})`,
      );
    }
    return { deployment: existing, replayed: true };
  }

  async byIdempotencyKey(actor: string, key: string) {
    const row = await this.db<Row>('ibias_deployments')
      .where({ initiated_by: actor, idempotency_key: key })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async get(id: string) {
    const row = await this.db<Row>('ibias_deployments').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: DeploymentFilter): Promise<DeploymentPage> {
    const q = this.db<Row>('ibias_deployments');
    if (filter.entityRef) q.where('entity_ref', normalized(filter.entityRef));
    if (filter.environment) q.where('environment', filter.environment);
    if (filter.status?.length) q.whereIn('status', filter.status);
    if (filter.initiatedBy) q.where('initiated_by', filter.initiatedBy);
    if (filter.createdAfter) q.where('created_at', '>=', filter.createdAfter);
    if (filter.createdBefore) q.where('created_at', '<', filter.createdBefore);
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      q.where(b =>
        b
          .where('created_at', '<', createdAt)
          .orWhere(c =>
            c.where('created_at', createdAt).andWhere('id', '<', id),
          ),
      );
    }
    const rows = await q
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(fromRow),
      nextCursor:
        rows.length > filter.limit
          ? encodeCursor(page[page.length - 1])
          : undefined,
    };
  }

  async listInFlight() {
    const rows = await this.db<Row>('ibias_deployments')
      .whereIn('status', IN_FLIGHT)
      .orderBy('created_at');
    return rows.map(fromRow);
  }

  async update(id: string, revision: number, u: DeploymentUpdate) {
    const at = now();
    const patch: Partial<Row> = { updated_at: at, revision: revision + 1 };
    if (u.status !== undefined) patch.status = u.status;
    if (u.reason !== undefined) patch.reason = u.reason;
    if (u.steps !== undefined) patch.steps = JSON.stringify(u.steps);
    if (u.evidence !== undefined) patch.evidence = JSON.stringify(u.evidence);
    if (u.approvedBy !== undefined) patch.approved_by = u.approvedBy;
    if (u.startedAt !== undefined) patch.started_at = u.startedAt;
    if (u.finishedAt !== undefined) patch.finished_at = u.finishedAt;
    if (u.ownerId !== undefined) {
      // Taking a deployment on is a heartbeat too; letting it go clears both.
      patch.owner_id = u.ownerId;
      patch.heartbeat_at = u.ownerId === null ? null : new Date().toISOString();
    }
    if (u.status && isTerminal(u.status)) {
      patch.owner_id = null;
      patch.heartbeat_at = null;
    }
    return this.db.transaction(async tx => {
      const changed = await tx('ibias_deployments')
        .where({ id, revision })
        .update(patch);
      if (changed !== 1) return undefined;
      const row = (await tx<Row>('ibias_deployments').where({ id }).first())!;
      if (u.status && isTerminal(u.status)) {
        await tx('ibias_deployment_locks')
          .where({ deployment_id: id })
          .delete();
        if (u.environmentState) {
          const state = {
            entity_ref: row.entity_ref,
            environment: row.environment,
            version: u.environmentState.version,
            since: u.environmentState.since,
            deployed_by: u.environmentState.deployedBy,
            strategy: u.environmentState.strategy,
            deployment_id: u.environmentState.deploymentId,
          };
          await tx('ibias_environment_state')
            .insert(state)
            .onConflict(['entity_ref', 'environment'])
            .merge();
        }
      }
      return fromRow(row);
    });
  }

  async heartbeat(ownerId: string, ids: string[]) {
    if (ids.length === 0) return { owned: [], abortRequested: [] };
    const mine = () =>
      this.db<Row>('ibias_deployments')
        .where({ owner_id: ownerId })
        .whereIn('id', ids)
        .whereIn('status', ['queued', 'running']);
    // The wall clock, not now(): a heartbeat is compared across replicas only as
    // "changed or not", and now() may run ahead under bursts of writes.
    await mine().update({ heartbeat_at: new Date().toISOString() });
    const rows = await mine().select('id', 'abort_requested_by');
    return {
      owned: rows.map(r => r.id),
      abortRequested: rows.filter(r => r.abort_requested_by).map(r => r.id),
    };
  }

  async claim(
    id: string,
    seen: { revision: number; heartbeatAt?: string },
    ownerId: string,
  ) {
    const changed = await this.db('ibias_deployments')
      .where({ id, revision: seen.revision })
      .whereIn('status', ['queued', 'running'])
      .where(q =>
        seen.heartbeatAt
          ? q.where('heartbeat_at', seen.heartbeatAt)
          : q.whereNull('heartbeat_at'),
      )
      .update({
        owner_id: ownerId,
        heartbeat_at: new Date().toISOString(),
        revision: seen.revision + 1,
        updated_at: now(),
      });
    return changed === 1 ? this.get(id) : undefined;
  }

  async requestAbort(id: string, by: string) {
    const changed = await this.db('ibias_deployments')
      .where({ id, status: 'running' })
      .update({ abort_requested_by: by });
    return changed === 1;
  }

  async ping() {
    // Bounded in the database too, so a ping never outlives the health check by much.
    // (Only PostgreSQL can cancel a running query; SQLite's answer is immediate anyway.)
    const cancel = /^(pg|postgres)/.test(String(this.db.client.config.client));
    await this.db.raw('select 1').timeout(2_000, { cancel });
  }

  async lockHolder(entityRef: string, environment: EnvironmentName) {
    const row = await this.db('ibias_deployment_locks')
      .where({ entity_ref: normalized(entityRef), environment })
      .first();
    return row?.deployment_id as string | undefined;
  }

  async environmentStates(entityRef?: string): Promise<EnvironmentState[]> {
    const q = this.db('ibias_environment_state');
    if (entityRef) q.where('entity_ref', normalized(entityRef));
    const rows = await q.orderBy(['entity_ref', 'environment']);
    return rows.map(r => ({
      entityRef: r.entity_ref,
      environment: r.environment,
      version: r.version,
      since: r.since,
      deployedBy: r.deployed_by,
      strategy: r.strategy,
      deploymentId: r.deployment_id,
    }));
  }

  async successfulVersions(entityRef: string, environment: EnvironmentName) {
    const rows = await this.db<Row>('ibias_deployments')
      .where({
        entity_ref: normalized(entityRef),
        environment,
        status: 'succeeded',
      })
      .orderBy('finished_at', 'desc')
      .select('version', 'id', 'finished_at');
    return rows.map(r => ({
      version: r.version,
      deploymentId: r.id,
      at: r.finished_at ?? '',
    }));
  }
}

import { createHash } from 'node:crypto';
import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  approvePermission,
  deployPermission,
  nextStatus,
  planSteps,
  rollbackTargets,
  rollbackPermission,
  targetResourceRef,
  type AnalysisPolicy,
  type ApproveRequest,
  type Deployment,
  type DeploymentEvent,
  type DeployRequest,
  type EnvironmentName,
  type RollbackRequest,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeploymentFilter,
  DeploymentStore,
  DeploymentUpdate,
  StoredDeployment,
} from '../database/DeploymentStore';
import { targetRef, type DeployEngine } from '../engine/DeployEngine';
import type {
  DeployTarget,
  TargetRef,
  TrafficHistoryPoint,
} from '@internal/plugin-ibias-deployments-node';
import { assertTrimmedReason, assertValidInput } from '../schema/validateInput';
import {
  entityLocations,
  normalizeEntityRef,
  notDeployable,
} from '../catalog/entities';
import type { EnvironmentConfigReader } from './EnvironmentConfigReader';

/** Points per version in one traffic history answer. */
const MAX_TRAFFIC_STEPS = 2000;

export interface DeploymentServiceOptions {
  configReader: EnvironmentConfigReader;
  store: DeploymentStore;
  engine: DeployEngine;
  target: DeployTarget;
  catalog: CatalogService;
  permissions: PermissionsService;
  auditor: AuditorService;
  canaryWeights: number[];
  approvalTtlMinutes: number;
  analysisPolicy(environment: EnvironmentName): AnalysisPolicy;
  /** Tells the release managers that a production rollback skipped approval. */
  onBreakGlass?(deployment: Deployment): void;
  /**
   * Called with every deployment the service creates or moves (a request waiting for
   * approval, an approval, an abort, an expiry), as the engine calls it for what it
   * moves; the plugin passes the same announcer to both, so every change is signalled.
   */
  onChange?(deployment: Deployment, event?: DeploymentEvent): void;
}

/**
 * Who asks: their credentials, and the HTTP request when there is one (the audit event
 * carries it). HTTP, MCP actions and any later caller go through the same validation,
 * permission checks and audit.
 */
export interface DeploymentCaller {
  credentials: BackstageCredentials;
  request?: AuditorServiceCreateEventOptions['request'];
}

/** The entity ref of a user, the subject of a service, as `initiatedBy` and in audit. */
export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal;
  if (typeof p === 'object' && p !== null) {
    if ('userEntityRef' in p && typeof p.userEntityRef === 'string') {
      return p.userEntityRef;
    }
    if ('subject' in p && typeof p.subject === 'string') return p.subject;
  }
  return 'unknown';
}

/** Strips what only the store needs. */
export function publicDeployment(d: Deployment): Deployment {
  const {
    revision: _r,
    idempotencyKey: _k,
    requestHash: _h,
    ownerId: _o,
    heartbeatAt: _b,
    ...rest
  } = d as StoredDeployment;
  return rest;
}

/** The deployment use cases behind the HTTP API and the MCP actions. */
export class DeploymentService {
  constructor(private readonly o: DeploymentServiceOptions) {}

  private async authorize(
    credentials: BackstageCredentials,
    permission:
      | typeof deployPermission
      | typeof rollbackPermission
      | typeof approvePermission,
    entityRef: string,
    environment: EnvironmentName,
  ) {
    const [decision] = await this.o.permissions.authorize(
      [{ permission, resourceRef: targetResourceRef(entityRef, environment) }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${permission.name} on ${entityRef} in ${environment} is not allowed`,
      );
    }
  }

  /** The entity, looked up as the catalog keys it (404 when the caller cannot see it). */
  private async entity(entityRef: string, credentials: BackstageCredentials) {
    const ref = normalizeEntityRef(entityRef);
    const entity = await this.o.catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`No entity ${ref} in the catalog`);
    return {
      entity,
      ref: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    };
  }

  /**
   * A deployable service: a Component with the environments annotation, and the
   * catalog's own normalised ref, which keys everything (rows, lock, permissions,
   * targets, notifications). 404 when missing, 400 saying why when not deployable.
   */
  private async deployable(
    entityRef: string,
    credentials: BackstageCredentials,
  ) {
    const found = await this.entity(entityRef, credentials);
    const why = notDeployable(found.entity);
    if (why) throw new InputError(why);
    return found;
  }

  /**
   * Audits a mutation: the event is created before it runs and ends as success or
   * failure with it, whoever calls (HTTP, MCP actions, …).
   */
  private async audited<T>(
    caller: DeploymentCaller,
    eventId: string,
    meta: JsonObject,
    run: () => Promise<T>,
    severityLevel: AuditorServiceEventSeverityLevel = 'medium',
  ): Promise<T> {
    const event = await this.o.auditor.createEvent({
      eventId,
      severityLevel,
      request: caller.request,
      meta,
    });
    try {
      const result = await run();
      await event.success({ meta });
      return result;
    } catch (error) {
      await event.fail({
        error: error instanceof Error ? error : new Error(String(error)),
        meta,
      });
      throw error;
    }
  }

  /**
   * Moves a deployment along the state machine (compare-and-set on its revision):
   * ConflictError when the machine does not allow `event` from its status, or when
   * someone changed it meanwhile.
   */
  private async transition(
    d: StoredDeployment,
    event: DeploymentEvent,
    update: Omit<DeploymentUpdate, 'status'> = {},
  ): Promise<StoredDeployment> {
    const status = nextStatus(d.status, event);
    if (!status) {
      throw new ConflictError(
        `Deployment ${d.id} is ${d.status}; it cannot ${event.replace(
          '_',
          ' ',
        )}`,
      );
    }
    const next = await this.o.store.update(d.id, d.revision, {
      ...update,
      status,
    });
    if (!next) {
      throw new ConflictError(`Deployment ${d.id} changed meanwhile; retry`);
    }
    this.o.onChange?.(next, event);
    return next;
  }

  /**
   * Deploys a version (or, with dryRun, answers the plan and changes nothing). With an
   * idempotency key a retried request returns what the first one made.
   */
  async create(
    input: DeployRequest,
    caller: DeploymentCaller,
    idempotencyKey?: string,
  ) {
    assertValidInput('DeployRequest', input, 'request/body');
    const actor = actorOf(caller.credentials);
    const meta: JsonObject = {
      entityRef: normalizeEntityRef(input.entityRef),
      environment: input.environment,
      version: input.version,
      strategy: input.strategy,
      ...(input.dryRun === undefined ? {} : { dryRun: input.dryRun }),
      actor,
    };
    return this.audited(
      caller,
      input.dryRun ? 'deploy-plan' : 'deploy',
      meta,
      () => this.deploy(input, actor, caller.credentials, idempotencyKey),
    );
  }

  private async deploy(
    request: DeployRequest,
    actor: string,
    credentials: BackstageCredentials,
    idempotencyKey?: string,
  ) {
    const { environment, version, strategy } = request;
    let entityRef = normalizeEntityRef(request.entityRef);
    const requestHash = createHash('sha256')
      .update(JSON.stringify([entityRef, environment, version, strategy]))
      .digest('hex');
    // A retried request returns what the first one made, whatever happened since.
    if (idempotencyKey && !request.dryRun) {
      const earlier = await this.o.store.byIdempotencyKey(
        actor,
        idempotencyKey,
      );
      if (earlier) {
        if (earlier.requestHash && earlier.requestHash !== requestHash) {
          throw new ConflictError(
            `Idempotency-Key ${idempotencyKey} was used for a different request (deployment ${earlier.id})`,
          );
        }
        return { dryRun: false as const, deployment: earlier, replayed: true };
      }
    }
    const found = await this.deployable(entityRef, credentials);
    entityRef = found.ref;
    await this.authorize(credentials, deployPermission, entityRef, environment);
    const ref = {
      ...targetRef({ entityRef, environment }),
      locations: entityLocations(found.entity),
    };
    const refused =
      (await this.o.target.cannotDeploy?.(ref)) ??
      this.o.target.refusesStrategy?.(ref, strategy);
    if (refused) throw new InputError(refused);
    const known = await this.o.target.versions(ref);
    if (!known.includes(version) && !known.includes('*')) {
      throw new InputError(
        `${entityRef} has no version ${version} on the ${this.targetName(
          ref,
        )} target; known: ${known.join(', ') || 'none'}`,
      );
    }
    const state = (await this.o.store.environmentStates(entityRef)).find(
      s => s.environment === environment,
    );
    const previousVersion = state?.version ?? null;
    if (previousVersion === version) {
      throw new InputError(`${version} already runs in ${environment}`);
    }
    const steps = planSteps(strategy, this.o.canaryWeights);
    const needsApproval = environment === 'production';
    if (request.dryRun) {
      return {
        dryRun: true as const,
        plan: {
          entityRef,
          environment,
          version,
          previousVersion,
          strategy,
          steps,
          needsApproval,
          analysis: this.o.analysisPolicy(environment),
          lockedBy: await this.o.store.lockHolder(entityRef, environment),
        },
      };
    }
    const { deployment, replayed } = await this.o.store.create({
      entityRef,
      environment,
      version,
      previousVersion,
      strategy,
      status: needsApproval ? 'pending_approval' : 'queued',
      steps,
      initiatedBy: actor,
      idempotencyKey,
      requestHash,
      approvalTtlMs: needsApproval
        ? this.o.approvalTtlMinutes * 60_000
        : undefined,
    });
    if (!replayed) this.o.onChange?.(deployment);
    if (!replayed && deployment.status === 'queued') {
      this.o.engine.submit(deployment.id);
    }
    return { dryRun: false as const, deployment, replayed };
  }

  async get(id: string) {
    assertValidInput('DeploymentId', id, 'request/params/id');
    const d = await this.o.store.get(id);
    if (!d) throw new NotFoundError(`No deployment ${id}`);
    return d;
  }

  list(filter: DeploymentFilter) {
    return this.o.store.list({
      ...filter,
      entityRef:
        filter.entityRef === undefined
          ? undefined
          : normalizeEntityRef(filter.entityRef),
    });
  }

  /** A release manager (not the requester) approves the exact version of a deployment. */
  async approve(id: string, input: ApproveRequest, caller: DeploymentCaller) {
    assertValidInput('DeploymentId', id, 'request/params/id');
    assertValidInput('ApproveRequest', input, 'request/body');
    const actor = actorOf(caller.credentials);
    return this.audited(
      caller,
      'deploy-approve',
      { id, version: input.version, actor },
      async () => {
        const d = await this.get(id);
        await this.deployable(d.entityRef, caller.credentials);
        await this.authorize(
          caller.credentials,
          approvePermission,
          d.entityRef,
          d.environment,
        );
        if (d.status !== 'pending_approval') {
          throw new ConflictError(
            `Deployment ${id} is ${d.status}, not pending approval`,
          );
        }
        if (d.initiatedBy === actor) {
          throw new NotAllowedError(
            'The requester cannot approve their own deployment',
          );
        }
        if (input.version !== d.version) {
          throw new ConflictError(
            `The approval names ${input.version} but the deployment is of ${d.version}`,
          );
        }
        if (
          d.approvalExpiresAt &&
          d.approvalExpiresAt < new Date().toISOString()
        ) {
          await this.expire(d);
          throw new ConflictError(
            `The approval window of deployment ${id} has expired`,
          );
        }
        const next = await this.transition(d, 'approve', {
          approvedBy: actor,
        });
        this.o.engine.submit(next.id);
        return next;
      },
    );
  }

  private async expire(d: StoredDeployment) {
    return this.transition(d, 'expire', {
      reason: 'The approval expired',
      finishedAt: new Date().toISOString(),
    });
  }

  /** Aborts pending approvals past their deadline; returns how many. */
  async expireApprovals(): Promise<number> {
    const nowIso = new Date().toISOString();
    let n = 0;
    for (const d of await this.o.store.listInFlight()) {
      if (
        d.status !== 'pending_approval' ||
        !d.approvalExpiresAt ||
        d.approvalExpiresAt >= nowIso
      ) {
        continue;
      }
      try {
        await this.expire(d);
        n++;
      } catch (error) {
        // Approved or aborted meanwhile: nothing left to expire.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    return n;
  }

  async abort(id: string, caller: DeploymentCaller) {
    assertValidInput('DeploymentId', id, 'request/params/id');
    const actor = actorOf(caller.credentials);
    return this.audited(caller, 'deploy-abort', { id, actor }, async () => {
      const d = await this.get(id);
      await this.deployable(d.entityRef, caller.credentials);
      await this.authorize(
        caller.credentials,
        deployPermission,
        d.entityRef,
        d.environment,
      );
      if (!nextStatus(d.status, 'abort')) {
        throw new ConflictError(
          `Deployment ${id} is ${d.status} and cannot be aborted`,
        );
      }
      if (d.status === 'running') {
        if (this.o.engine.requestAbort(id)) {
          await this.o.engine.settled(id);
          return this.get(id);
        }
        // Another replica runs it: its owner hears the request at its next heartbeat,
        // puts the previous version back and ends it aborted. Never written here
        // directly, which would free the lock while its traffic is still split.
        if (await this.o.store.requestAbort(id, actor)) return this.get(id);
      }
      return this.transition(d, 'abort', {
        reason: `Aborted by ${actor}`,
        finishedAt: new Date().toISOString(),
      });
    });
  }

  /**
   * Deploys the previous (or a chosen earlier) version again, blue-green. In production
   * the rollback waits for a release manager's approval of its exact version, like a
   * deploy, unless an owner breaks the glass with a reason: then it runs at once, the
   * reason is kept on the deployment and the release managers are told.
   */
  async rollback(
    id: string,
    input: RollbackRequest,
    caller: DeploymentCaller,
  ): Promise<StoredDeployment> {
    assertValidInput('DeploymentId', id, 'request/params/id');
    assertValidInput('RollbackRequest', input, 'request/body');
    if (input.breakGlass) assertTrimmedReason(input.breakGlass.reason);
    const actor = actorOf(caller.credentials);
    const reason = input.breakGlass?.reason.trim();
    const meta: JsonObject = {
      id,
      ...(input.version === undefined ? {} : { version: input.version }),
      ...(reason === undefined ? {} : { breakGlass: { reason } }),
      actor,
    };
    return this.audited(caller, 'deploy-rollback', meta, async () => {
      if (reason === undefined) {
        return this.startRollback(id, input.version, undefined, actor, caller);
      }
      // Every break-glass attempt, allowed or not, is also a critical audit event.
      const glass = {
        id,
        version: input.version ?? null,
        reason,
        actor,
      };
      const event = await this.o.auditor.createEvent({
        eventId: 'deploy-rollback-break-glass',
        severityLevel: 'critical',
        request: caller.request,
        meta: glass,
      });
      try {
        const d = await this.startRollback(
          id,
          input.version,
          reason,
          actor,
          caller,
        );
        await event.success({
          meta: {
            ...glass,
            deploymentId: d.id,
            entityRef: d.entityRef,
            environment: d.environment,
            from: d.previousVersion,
            to: d.version,
          },
        });
        return d;
      } catch (error) {
        await event.fail({
          error: error instanceof Error ? error : new Error(String(error)),
          meta: glass,
        });
        throw error;
      }
    });
  }

  private async startRollback(
    id: string,
    version: string | undefined,
    breakGlassReason: string | undefined,
    actor: string,
    caller: DeploymentCaller,
  ): Promise<StoredDeployment> {
    const d = await this.get(id);
    await this.deployable(d.entityRef, caller.credentials);
    await this.authorize(
      caller.credentials,
      rollbackPermission,
      d.entityRef,
      d.environment,
    );
    const production = d.environment === 'production';
    if (breakGlassReason !== undefined && !production) {
      throw new InputError(
        `breakGlass is only for production rollbacks; in ${d.environment} a rollback runs at once`,
      );
    }
    const history = await this.o.store.successfulVersions(
      d.entityRef,
      d.environment,
    );
    const current = (await this.o.store.environmentStates(d.entityRef)).find(
      s => s.environment === d.environment,
    )?.version;
    const to =
      version ??
      rollbackTargets(history, current)[0]?.version ??
      d.previousVersion;
    if (!to)
      throw new InputError(
        `There is no earlier version of ${d.entityRef} to roll back to`,
      );
    if (!history.some(h => h.version === to)) {
      throw new InputError(
        `${to} never ran successfully in ${d.environment}; earlier versions: ${
          history.map(h => h.version).join(', ') || 'none'
        }`,
      );
    }
    if (to === current)
      throw new InputError(`${to} already runs in ${d.environment}`);
    const needsApproval = production && breakGlassReason === undefined;
    const { deployment } = await this.o.store.create({
      entityRef: d.entityRef,
      environment: d.environment,
      version: to,
      previousVersion: current ?? null,
      strategy: 'blue-green',
      status: needsApproval ? 'pending_approval' : 'queued',
      steps: planSteps('blue-green'),
      initiatedBy: actor,
      rollbackOf: d.id,
      breakGlassReason,
      approvalTtlMs: needsApproval
        ? this.o.approvalTtlMinutes * 60_000
        : undefined,
    });
    this.o.onChange?.(deployment);
    if (deployment.status === 'queued') this.o.engine.submit(deployment.id);
    if (breakGlassReason !== undefined) this.o.onBreakGlass?.(deployment);
    return deployment;
  }

  /** The name of the target that deploys a service in an environment. */
  private targetName(ref: Pick<TargetRef, 'environment' | 'entityRef'>) {
    return this.o.target.nameFor?.(ref) ?? this.o.target.name;
  }

  /** The versions the target can deploy for a service. */
  async versions(
    entityRef: string,
    environment: EnvironmentName,
    credentials: BackstageCredentials,
  ) {
    const { ref, entity } = await this.deployable(entityRef, credentials);
    const target = {
      ...targetRef({ entityRef: ref, environment }),
      locations: entityLocations(entity),
    };
    const refused = await this.o.target.cannotDeploy?.(target);
    if (refused) throw new InputError(refused);
    const versions = await this.o.target.versions(target);
    // '*' means the target deploys any version the pipeline built.
    return {
      target: this.targetName(target),
      versions: versions.filter(v => v !== '*'),
      anyVersion: versions.includes('*'),
    };
  }

  /** A service's environments file: masked configs, baseline results, problems. */
  async configs(entityRef: string, credentials: BackstageCredentials) {
    return this.o.configReader.read(
      (await this.entity(entityRef, credentials)).entity,
    );
  }

  /**
   * What each version served, from the targets that keep records of their own (the local
   * router), for each environment the service has run in. The caller must see the entity.
   */
  async trafficHistory(
    request: {
      entityRef: string;
      environment?: EnvironmentName;
      from: Date;
      to: Date;
      stepSeconds: number;
    },
    credentials: BackstageCredentials,
  ) {
    const { ref } = await this.entity(request.entityRef, credentials);
    const fromMs = request.from.getTime();
    const toMs = request.to.getTime();
    const stepMs = request.stepSeconds * 1000;
    if (!(fromMs < toMs)) throw new InputError('from must be before to');
    if ((toMs - fromMs) / stepMs > MAX_TRAFFIC_STEPS) {
      throw new InputError(
        `The range holds more than ${MAX_TRAFFIC_STEPS} steps: use a larger stepSeconds`,
      );
    }
    const states = (await this.o.store.environmentStates(ref)).filter(
      s =>
        request.environment === undefined ||
        s.environment === request.environment,
    );
    const environments = [...new Set(states.map(s => s.environment))];
    const items = await Promise.all(
      environments.map(async environment => {
        const history = await this.o.target.trafficHistory?.(
          targetRef({ entityRef: ref, environment }),
          { fromMs, toMs, stepMs },
        );
        if (!history) return undefined;
        const point = (p: TrafficHistoryPoint) => ({
          ...p,
          at: new Date(p.at).toISOString(),
        });
        return {
          environment,
          target: this.targetName({ entityRef: ref, environment }),
          source: history.source,
          coverageFrom: new Date(history.coverageFromMs).toISOString(),
          versions: history.versions.map(v => ({
            version: v.version,
            points: v.points.map(point),
            total: point(v.total),
          })),
        };
      }),
    );
    return { items: items.filter(i => i !== undefined) };
  }

  async environments(entityRef?: string) {
    const states = await this.o.store.environmentStates(
      entityRef === undefined ? undefined : normalizeEntityRef(entityRef),
    );
    return Promise.all(
      states.map(async s => ({
        ...s,
        traffic: await this.o.target.traffic(targetRef(s)),
        url: this.o.target.url?.(targetRef(s)) ?? null,
        endpoints: this.o.target.endpoints?.(targetRef(s)) ?? [],
        health: (await this.o.target.health?.(targetRef(s))) ?? 'unknown',
        lockedBy:
          (await this.o.store.lockHolder(s.entityRef, s.environment)) ?? null,
      })),
    );
  }
}

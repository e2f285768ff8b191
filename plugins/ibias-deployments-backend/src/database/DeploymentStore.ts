import type {
  Deployment,
  DeploymentStatus,
  EnvironmentName,
  EnvironmentState,
  Evidence,
  DeploymentStep,
  Strategy,
} from '@internal/plugin-ibias-deployments-common';

export interface NewDeployment {
  entityRef: string;
  environment: EnvironmentName;
  version: string;
  previousVersion: string | null;
  strategy: Strategy;
  status: 'pending_approval' | 'queued';
  steps: DeploymentStep[];
  initiatedBy: string;
  rollbackOf?: string;
  /** A production rollback that skipped approval: why (see DeploymentService.rollback). */
  breakGlassReason?: string;
  idempotencyKey?: string;
  /** Hash of the request body, so a reused key with another body is refused. */
  requestHash?: string;
  /** A pending approval expires this long after the deployment's createdAt. */
  approvalTtlMs?: number;
}

export interface DeploymentFilter {
  entityRef?: string;
  environment?: EnvironmentName;
  status?: DeploymentStatus[];
  initiatedBy?: string;
  createdAfter?: string;
  createdBefore?: string;
  limit: number;
  /** Opaque: where the previous page ended. */
  cursor?: string;
}

export interface DeploymentPage {
  items: Deployment[];
  nextCursor?: string;
}

/** A change to a deployment, applied only if it is still at `revision`. */
export interface DeploymentUpdate {
  status?: DeploymentStatus;
  reason?: string;
  steps?: DeploymentStep[];
  evidence?: Evidence[];
  approvedBy?: string;
  startedAt?: string;
  finishedAt?: string;
  /** When the deployment reaches a terminal status: what now runs in the environment. */
  environmentState?: Omit<EnvironmentState, 'entityRef' | 'environment'>;
  /** The engine that runs it now (it beats the heartbeat); null when none does. */
  ownerId?: string | null;
}

export interface StoredDeployment extends Deployment {
  revision: number;
  idempotencyKey?: string;
  requestHash?: string;
  /** The engine that runs it (see DeploymentStore.heartbeat). */
  ownerId?: string;
  /** Who asked its owner to abort it (see DeploymentStore.requestAbort). */
  abortRequestedBy?: string;
  /** When its owner last said it is still working on it. */
  heartbeatAt?: string;
}

/**
 * Where deployments live. Every write is compare-and-set on the revision; a terminal
 * status frees the service-and-environment lock in the same transaction. Entity refs
 * are stored and matched lowercase, as the catalog keys them, so `IBIAS-API` and
 * `ibias-api` share one lock and one history.
 */
export interface DeploymentStore {
  /**
   * Creates a deployment holding the lock of its service and environment. Throws
   * ConflictError naming the holder when another deployment holds it. With an
   * idempotency key already used by the same actor, returns that deployment instead.
   */
  create(
    input: NewDeployment,
  ): Promise<{ deployment: StoredDeployment; replayed: boolean }>;
  get(id: string): Promise<StoredDeployment | undefined>;
  /** The deployment an actor created with an idempotency key, if any. */
  byIdempotencyKey(
    actor: string,
    key: string,
  ): Promise<StoredDeployment | undefined>;
  list(filter: DeploymentFilter): Promise<DeploymentPage>;
  /** Deployments in a status that holds a lock (pending approval, queued, running). */
  listInFlight(): Promise<StoredDeployment[]>;
  /**
   * Applies `update` if the deployment is still at `revision`; returns the new record,
   * or undefined when someone else changed it first.
   */
  update(
    id: string,
    revision: number,
    update: DeploymentUpdate,
  ): Promise<StoredDeployment | undefined>;
  /**
   * The owner says it still works on these deployments: their heartbeat becomes now,
   * for those it still owns and that are still queued or running. Does not change the
   * revision (a heartbeat is no change of the deployment). Answers which it still owns
   * (the rest were taken over or ended) and which of those someone asked to abort.
   */
  heartbeat(
    ownerId: string,
    ids: string[],
  ): Promise<{ owned: string[]; abortRequested: string[] }>;
  /**
   * Takes over a deployment nobody beats: applies only while it is still at the
   * revision and heartbeat the sweeper saw unchanged for a whole lease, so an owner
   * that beat meanwhile keeps it. Returns the claimed record, or undefined.
   */
  claim(
    id: string,
    seen: { revision: number; heartbeatAt?: string },
    ownerId: string,
  ): Promise<StoredDeployment | undefined>;
  /**
   * Asks the owner of a running deployment (possibly another replica) to abort it; its
   * next heartbeat hears it. False when it is not running.
   */
  requestAbort(id: string, by: string): Promise<boolean>;
  /** Throws unless the database answers a trivial query (the health endpoint). */
  ping(): Promise<void>;
  lockHolder(
    entityRef: string,
    environment: EnvironmentName,
  ): Promise<string | undefined>;
  environmentStates(entityRef?: string): Promise<EnvironmentState[]>;
  /** Succeeded deployments of one service and environment, newest first. */
  successfulVersions(
    entityRef: string,
    environment: EnvironmentName,
  ): Promise<Array<{ version: string; deploymentId: string; at: string }>>;
}

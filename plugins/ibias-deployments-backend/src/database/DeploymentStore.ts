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
   * revision (a heartbeat is no change of the deployment). Returns how many it touched.
   */
  heartbeat(ownerId: string, ids: string[]): Promise<number>;
  /**
   * Queued and running deployments whose owner has not beaten for longer than `leaseMs`
   * (or that never had one and have not changed for that long), oldest first: what a
   * sweep takes over. Heartbeats are wall-clock times, so replicas compare them with
   * their own clocks (keep them in sync: NTP).
   */
  listAbandoned(leaseMs: number): Promise<StoredDeployment[]>;
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

/** The IBIAS environments, in promotion order. */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export const STRATEGIES = ['blue-green', 'canary', 'rolling'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const DEPLOYMENT_STATUSES = [
  'pending_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'rolled_back',
  'aborted',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export type StepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/** One step of a deployment plan (deploy, health checks, smoke tests, traffic, …). */
export interface DeploymentStep {
  id: string;
  name: string;
  status: StepStatus;
  /** For traffic steps: the share of traffic on the new version, 0–100. */
  weight?: number;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One analysis check, with everything needed to see why it decided what it decided. */
export interface Evidence {
  /** e.g. `error-rate`, `p95-latency`, `health`, `smoke`. */
  check: string;
  /** The query that produced the value (PromQL, or the router's description). */
  query: string;
  source: 'local-router' | 'prometheus' | 'probe';
  /** The step during which the check ran. */
  stepId: string;
  windowSeconds: number;
  samples: number;
  threshold: number;
  /** The measured value (a ratio for error rates, milliseconds for latency). */
  value: number | null;
  verdict: Verdict;
  /** How many consecutive intervals breached so far (for the rollback trigger). */
  consecutiveBreaches?: number;
  /** What a probe saw (status, version, …). */
  detail?: string;
  at: string;
}

export interface Deployment {
  id: string;
  entityRef: string;
  environment: EnvironmentName;
  version: string;
  previousVersion: string | null;
  strategy: Strategy;
  status: DeploymentStatus;
  /** Why the deployment is where it is (failure, rollback reason, abort, …). */
  reason?: string;
  steps: DeploymentStep[];
  evidence: Evidence[];
  initiatedBy: string;
  approvedBy?: string;
  /** Set for a rollback deployment: the deployment it rolled back. */
  rollbackOf?: string;
  /**
   * A production rollback that ran without a release manager's approval: why the owner
   * who started it (initiatedBy) broke the glass.
   */
  breakGlassReason?: string;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  approvalExpiresAt?: string;
}

/**
 * How an environment answers: `starting` while the portal brings back what ran before a
 * restart; `unknown` when nothing routes traffic (or the target cannot tell).
 */
export type Health = 'healthy' | 'unhealthy' | 'starting' | 'unknown';

/** What runs in one environment of one service. */
export interface EnvironmentState {
  entityRef: string;
  environment: EnvironmentName;
  version: string;
  since: string;
  deployedBy: string;
  strategy: Strategy;
  deploymentId: string;
}

export interface DeployRequest {
  entityRef: string;
  environment: EnvironmentName;
  version: string;
  strategy: Strategy;
  dryRun?: boolean;
}

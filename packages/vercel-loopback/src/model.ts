import { createHash, randomBytes } from 'node:crypto';

/** Vercel's `readyState` values for a deployment. */
export type ReadyState =
  | 'QUEUED'
  | 'BUILDING'
  | 'READY'
  | 'ERROR'
  | 'CANCELED'
  | 'DELETED';

/** A deployment's target: production, staging, or a preview (null). */
export type Target = 'production' | 'staging' | null;

/** The GitHub repository a project is linked to. */
export interface GithubLink {
  org: string;
  repo: string;
  repoId: number;
  productionBranch?: string;
}

/** One stage of a rolling release, as Vercel configures it. */
export interface RollingStage {
  targetPercentage: number;
  requireApproval?: boolean;
  duration?: number | null;
  linearShift?: boolean;
}

export interface RollingReleaseConfig {
  target: 'production';
  advancementType: 'manual-approval' | 'automatic';
  stages: RollingStage[];
  canaryResponseHeader?: boolean;
}

export type RollingReleaseState = 'ACTIVE' | 'COMPLETE' | 'ABORTED';

export interface RollingRelease {
  state: RollingReleaseState;
  advancementType: RollingReleaseConfig['advancementType'];
  stages: RollingStage[];
  /** Index into `stages` of the stage serving traffic now. */
  activeIndex: number;
  currentDeploymentId: string;
  canaryDeploymentId: string;
  /** A deployment promoted while this release was active (202): promoted when it ends. */
  queuedDeploymentId: string | null;
  startedAt: number;
  updatedAt: number;
}

export interface AliasRequest {
  fromDeploymentId: string | null;
  toDeploymentId: string;
  jobStatus: 'succeeded';
  requestedAt: number;
  type: 'promote' | 'rollback';
}

export interface Project {
  id: string;
  name: string;
  accountId: string;
  createdAt: number;
  updatedAt: number;
  link: GithubLink;
  /** The production domains: they follow the production deployment. */
  domains: string[];
  autoAssignCustomDomains: boolean;
  productionDeploymentId: string | null;
  lastAliasRequest: AliasRequest | null;
  rollingReleaseConfig: RollingReleaseConfig | null;
  /** The latest rolling release, whatever its state. */
  rollingRelease: RollingRelease | null;
}

export interface GitSource {
  type: 'github';
  org: string;
  repo: string;
  repoId: number;
  ref: string;
  sha: string;
}

/** A request a deployment's app answered, kept until it is drained. */
export interface ServedRequest {
  id: string;
  at: number;
  method: string;
  host: string;
  path: string;
  statusCode: number;
  userAgent: string;
}

export interface Deployment {
  id: string;
  url: string;
  name: string;
  projectId: string;
  target: Target;
  readyState: ReadyState;
  createdAt: number;
  buildingAt: number | null;
  readyAt: number | null;
  gitSource: GitSource;
  meta: Record<string, string>;
  errorCode: string | null;
  errorMessage: string | null;
  /** Whether it ever served production traffic (PROMOTED), which makes it a rollback candidate. */
  promoted: boolean;
  served: ServedRequest[];
  drained: number;
}

export interface Alias {
  uid: string;
  alias: string;
  deploymentId: string;
  projectId: string;
  createdAt: number;
  updatedAt: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** An id like Vercel's: a prefix and random base62, e.g. `dpl_8fZ…`. */
export function vercelId(prefix: string, length = 24) {
  const bytes = randomBytes(length);
  let id = '';
  for (const b of bytes) id += BASE62[b % 62];
  return `${prefix}_${id}`;
}

/** The random part of a unique deployment URL: 9 of `[a-z0-9]`. */
export function urlHash() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let hash = '';
  for (const b of randomBytes(9)) hash += alphabet[b % alphabet.length];
  return hash;
}

/** The sha a ref resolves to when the test did not give one: stable per repo and ref. */
export function shaOf(org: string, repo: string, ref: string) {
  return createHash('sha1').update(`${org}/${repo}@${ref}`).digest('hex');
}

/**
 * Whether request number `n` (1-based) of a deployment with this error share fails:
 * deterministic, so that `share` of any run of requests fail, spread evenly.
 */
export function failsAt(n: number, share: number) {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return Math.floor(n * share) > Math.floor((n - 1) * share);
}

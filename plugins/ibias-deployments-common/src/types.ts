import type { components, operations } from './generated/openapi';

// The domain and wire types are the ones generated from the OpenAPI document
// (plugins/ibias-deployments-backend/src/schema/openapi.yaml), named for their users.
type Schemas = components['schemas'];

export type EnvironmentName = Schemas['Environment'];
export type Strategy = Schemas['Strategy'];
export type DeploymentStatus = Schemas['Status'];
/** One step of a deployment plan (deploy, health checks, smoke tests, traffic, …). */
export type DeploymentStep = Schemas['Step'];
export type StepStatus = DeploymentStep['status'];
/** One analysis check, with everything needed to see why it decided what it decided. */
export type Evidence = Schemas['Evidence'];
export type Verdict = Evidence['verdict'];
export type Deployment = Schemas['Deployment'];
/** A page of history, newest first; `nextCursor` is null on the last page. */
export type DeploymentPage = Schemas['DeploymentPage'];
/** What a deploy would do (`dryRun`), and whether it needs a release manager. */
export type DeploymentPlan = Schemas['Plan'];
/**
 * How an environment answers: `starting` while the portal brings back what ran before a
 * restart; `unknown` when nothing routes traffic (or the target cannot tell).
 */
export type Health = Schemas['Health'];
/** What runs in one environment of one service, with its traffic, URL and health. */
export type EnvironmentView = Schemas['EnvironmentView'];
export type EnvironmentsResponse = Schemas['EnvironmentsResponse'];
export type VersionsResponse = Schemas['VersionsResponse'];
/** GET /health: the plugin's own state (database, targets' dependencies, engine). */
export type PluginHealth = Schemas['PluginHealth'];
export type DependencyCheck = Schemas['DependencyCheck'];
export type CheckStatus = Schemas['CheckStatus'];
export type DeployRequest = Schemas['DeployRequest'];
export type ApproveRequest = Schemas['ApproveRequest'];
export type RollbackRequest = Schemas['RollbackRequest'];
/** Why a production rollback may run without waiting for a release manager. */
export type BreakGlass = Schemas['BreakGlass'];
/** The query of `GET /deployments`. */
export type DeploymentListQuery = NonNullable<
  operations['listDeployments']['parameters']['query']
>;
/** Backstage's error body, as every error answer of the API carries it. */
export type ApiErrorBody = Schemas['ErrorBody'];

/**
 * A string union's values as a constant list, in the order given; leaving one out does
 * not compile, so the lists below cannot drift from the OpenAPI document's enums.
 */
function everyValueOf<T extends string>() {
  return <const A extends readonly T[]>(
    values: A &
      ([Exclude<T, A[number]>] extends [never]
        ? unknown
        : { missing: Exclude<T, A[number]> }),
  ): A => values;
}

/** The IBIAS environments, in promotion order. */
export const ENVIRONMENTS = everyValueOf<EnvironmentName>()([
  'development',
  'staging',
  'production',
]);

export const STRATEGIES = everyValueOf<Strategy>()([
  'blue-green',
  'canary',
  'rolling',
]);

export const DEPLOYMENT_STATUSES = everyValueOf<DeploymentStatus>()([
  'pending_approval',
  'queued',
  'running',
  'succeeded',
  'failed',
  'rolled_back',
  'aborted',
]);

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

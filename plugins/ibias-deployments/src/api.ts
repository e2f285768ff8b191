import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ApproveRequest,
  Deployment,
  DeploymentListQuery,
  DeploymentPage,
  DeploymentPlan,
  DeployRequest,
  EnvironmentConfigs,
  EnvironmentName,
  EnvironmentView,
  PluginHealth,
  RollbackRequest,
  VersionsResponse,
} from '@internal/plugin-ibias-deployments-common';

// Every request and answer type is generated from the backend's OpenAPI document
// (plugins/ibias-deployments-backend/src/schema/openapi.yaml) into -common; nothing is
// restated here.
export type {
  DeploymentPlan,
  EnvironmentConfigs,
  EnvironmentView,
  PluginHealth,
};

/** The query of `GET /deployments`, as the document declares it. */
export type DeploymentQuery = DeploymentListQuery;

/** The body of `POST /deployments/{id}/rollback`. */
export type RollbackOptions = RollbackRequest;

export interface IbiasDeploymentsApi {
  environments(entityRef?: string): Promise<EnvironmentView[]>;
  versions(
    entityRef: string,
    environment: EnvironmentName,
  ): Promise<VersionsResponse>;
  configs(entityRef: string): Promise<EnvironmentConfigs>;
  plan(request: DeployRequest): Promise<DeploymentPlan>;
  deploy(request: DeployRequest): Promise<Deployment>;
  get(id: string): Promise<Deployment>;
  list(query: DeploymentQuery): Promise<DeploymentPage>;
  approve(id: string, version: ApproveRequest['version']): Promise<Deployment>;
  abort(id: string): Promise<Deployment>;
  /**
   * Rolls back (to `version`, or the previous one). In production the rollback waits
   * for a release manager unless `breakGlass` says why it cannot wait.
   */
  rollback(id: string, options?: RollbackOptions): Promise<Deployment>;
  /** The backend's own state (its database, its targets' dependencies); a 503 is an answer. */
  health(): Promise<PluginHealth>;
}

export const ibiasDeploymentsApiRef = createApiRef<IbiasDeploymentsApi>().with({
  id: 'plugin.ibias-deployments.api',
  pluginId: 'ibias-deployments',
});

import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApproveRequest,
  Deployment,
  DeploymentListQuery,
  DeploymentPage,
  DeploymentPlan,
  DeployRequest,
  EnvironmentConfigs,
  EnvironmentName,
  EnvironmentsResponse,
  EnvironmentView,
  RollbackRequest,
  VersionsResponse,
} from '@internal/plugin-ibias-deployments-common';

// Every request and answer type is generated from the backend's OpenAPI document
// (plugins/ibias-deployments-backend/src/schema/openapi.yaml) into -common; nothing is
// restated here.
export type { DeploymentPlan, EnvironmentConfigs, EnvironmentView };

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
}

export const ibiasDeploymentsApiRef = createApiRef<IbiasDeploymentsApi>().with({
  id: 'plugin.ibias-deployments.api',
  pluginId: 'ibias-deployments',
});

export class IbiasDeploymentsClient implements IbiasDeploymentsApi {
  constructor(
    private readonly discoveryApi: DiscoveryApi,
    private readonly fetchApi: FetchApi,
  ) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('ibias-deployments');
    const res = await this.fetchApi.fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(init?.body ? { 'Content-Type': 'application/json' } : {}),
        ...init?.headers,
      },
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }

  async environments(entityRef?: string) {
    const q = entityRef ? `?entityRef=${encodeURIComponent(entityRef)}` : '';
    return (await this.call<EnvironmentsResponse>(`/environments${q}`)).items;
  }

  async configs(entityRef: string) {
    return (
      await this.call<EnvironmentsResponse>(
        `/environments?entityRef=${encodeURIComponent(entityRef)}`,
      )
    ).configs as EnvironmentConfigs;
  }

  versions(entityRef: string, environment: EnvironmentName) {
    return this.call<VersionsResponse>(
      `/versions?entityRef=${encodeURIComponent(
        entityRef,
      )}&environment=${environment}`,
    );
  }

  plan(request: DeployRequest) {
    return this.call<DeploymentPlan>('/deployments', {
      method: 'POST',
      body: JSON.stringify({ ...request, dryRun: true }),
    });
  }

  deploy(request: DeployRequest) {
    return this.call<Deployment>('/deployments', {
      method: 'POST',
      body: JSON.stringify({ ...request, dryRun: false }),
      headers: { 'Idempotency-Key': crypto.randomUUID() },
    });
  }

  get(id: string) {
    return this.call<Deployment>(`/deployments/${encodeURIComponent(id)}`);
  }

  list(query: DeploymentQuery) {
    const params = new URLSearchParams();
    if (query.entityRef) params.set('entityRef', query.entityRef);
    if (query.environment) params.set('environment', query.environment);
    if (query.status?.length) params.set('status', query.status.join(','));
    if (query.actor) params.set('actor', query.actor);
    if (query.from) params.set('from', query.from);
    params.set('limit', String(query.limit ?? 20));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.call<DeploymentPage>(`/deployments?${params}`);
  }

  approve(id: string, version: string) {
    return this.call<Deployment>(`/deployments/${id}/approve`, {
      method: 'POST',
      body: JSON.stringify({ version }),
    });
  }

  abort(id: string) {
    return this.call<Deployment>(`/deployments/${id}/abort`, {
      method: 'POST',
      body: '{}',
    });
  }

  rollback(id: string, options: RollbackOptions = {}) {
    return this.call<Deployment>(`/deployments/${id}/rollback`, {
      method: 'POST',
      body: JSON.stringify({
        ...(options.version ? { version: options.version } : {}),
        ...(options.breakGlass ? { breakGlass: options.breakGlass } : {}),
      }),
    });
  }
}

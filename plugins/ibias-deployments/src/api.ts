import {
  createApiRef,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AnalysisPolicy,
  EnvironmentConfigs,
  Deployment,
  DeploymentStatus,
  DeploymentStep,
  DeployRequest,
  EnvironmentName,
  EnvironmentState,
  Health,
  Strategy,
} from '@internal/plugin-ibias-deployments-common';

export type { EnvironmentConfigs };

export interface EnvironmentView extends EnvironmentState {
  traffic: Record<string, number>;
  url: string | null;
  /** The running versions and where each answers directly. */
  endpoints: Array<{ version: string; url: string }>;
  lockedBy: string | null;
  /** Whether what takes the traffic answers healthily now. */
  health: Health;
}

export interface DeploymentPlan {
  entityRef: string;
  environment: EnvironmentName;
  version: string;
  previousVersion: string | null;
  strategy: Strategy;
  steps: DeploymentStep[];
  needsApproval: boolean;
  analysis: AnalysisPolicy;
  lockedBy?: string;
}

export interface DeploymentQuery {
  entityRef?: string;
  environment?: EnvironmentName;
  status?: DeploymentStatus[];
  actor?: string;
  /** Created at or after (ISO time). */
  from?: string;
  limit?: number;
  cursor?: string;
}

export interface RollbackOptions {
  version?: string;
  /** Production only: run now, without approval (audited; release managers notified). */
  breakGlass?: { reason: string };
}

export interface IbiasDeploymentsApi {
  environments(entityRef?: string): Promise<EnvironmentView[]>;
  versions(
    entityRef: string,
    environment: EnvironmentName,
  ): Promise<{ target: string; versions: string[]; anyVersion: boolean }>;
  configs(entityRef: string): Promise<EnvironmentConfigs>;
  plan(request: DeployRequest): Promise<DeploymentPlan>;
  deploy(request: DeployRequest): Promise<Deployment>;
  get(id: string): Promise<Deployment>;
  list(
    query: DeploymentQuery,
  ): Promise<{ items: Deployment[]; nextCursor: string | null }>;
  approve(id: string, version: string): Promise<Deployment>;
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
    return (await this.call<{ items: EnvironmentView[] }>(`/environments${q}`))
      .items;
  }

  async configs(entityRef: string) {
    return (
      await this.call<{ configs: EnvironmentConfigs }>(
        `/environments?entityRef=${encodeURIComponent(entityRef)}`,
      )
    ).configs;
  }

  versions(entityRef: string, environment: EnvironmentName) {
    return this.call<{
      target: string;
      versions: string[];
      anyVersion: boolean;
    }>(
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
    return this.call<{ items: Deployment[]; nextCursor: string | null }>(
      `/deployments?${params}`,
    );
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

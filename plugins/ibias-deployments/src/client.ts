import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApproveRequest,
  Deployment,
  DeploymentPage,
  DeploymentPlan,
  DeployRequest,
  EnvironmentName,
  EnvironmentsResponse,
  PluginHealth,
  VersionsResponse,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeploymentQuery,
  IbiasDeploymentsApi,
  RollbackOptions,
} from './api';

/**
 * The HTTP client of the deployments backend. The app does not load this module up front:
 * `plugin.tsx` registers a facade that imports it on the first call (see `lazyApi.ts`).
 */
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
    const { configs } = await this.call<EnvironmentsResponse>(
      `/environments?entityRef=${encodeURIComponent(entityRef)}`,
    );
    // The document declares `configs` for a request that names an entity; say so if a
    // backend breaks that, rather than hand the card undefined.
    if (!configs) {
      throw new Error(
        `The deployments backend sent no configs for ${entityRef}`,
      );
    }
    return configs;
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

  approve(id: string, version: ApproveRequest['version']) {
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

  async health() {
    const base = await this.discoveryApi.getBaseUrl('ibias-deployments');
    const res = await this.fetchApi.fetch(`${base}/health`);
    // 503 carries the same body: the database is down, and it says so.
    if (!res.ok && res.status !== 503)
      throw await ResponseError.fromResponse(res);
    return (await res.json()) as PluginHealth;
  }
}

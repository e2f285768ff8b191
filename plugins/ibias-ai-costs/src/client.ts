import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { CostQuery, IbiasAiCostsApi } from './api';

/** The HTTP client of the ibias-ai-costs backend (loaded lazily, see plugin.tsx). */
export class IbiasAiCostsClient implements IbiasAiCostsApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async request<T>(path: string): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('ibias-ai-costs');
    const response = await this.options.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  costs(query: CostQuery) {
    const params = new URLSearchParams({
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      granularity: query.granularity,
    });
    if (query.entityRef) params.set('entityRef', query.entityRef);
    if (query.team) params.set('team', query.team);
    return this.request<Awaited<ReturnType<IbiasAiCostsApi['costs']>>>(
      `/costs?${params}`,
    );
  }

  budgets(filter: { entityRef?: string; team?: string } = {}) {
    const params = new URLSearchParams();
    if (filter.entityRef) params.set('entityRef', filter.entityRef);
    if (filter.team) params.set('team', filter.team);
    return this.request<Awaited<ReturnType<IbiasAiCostsApi['budgets']>>>(
      `/budgets?${params}`,
    );
  }
}

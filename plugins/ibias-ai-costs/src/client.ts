import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AiAlert,
  CostQuery,
  CsvFile,
  DeployCostList,
  IbiasAiCostsApi,
} from './api';

/** GET /costs's query string (the CSV export takes the same). */
function costParams(query: CostQuery) {
  const params = new URLSearchParams({
    from: query.from,
    to: query.to,
    groupBy: query.groupBy,
    granularity: query.granularity,
  });
  if (query.entityRef) params.set('entityRef', query.entityRef);
  if (query.team) params.set('team', query.team);
  return params;
}

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
    return this.request<Awaited<ReturnType<IbiasAiCostsApi['costs']>>>(
      `/costs?${costParams(query)}`,
    );
  }

  /** A CSV answer with the file name its Content-Disposition gives. */
  private async csv(path: string, fallback: string): Promise<CsvFile> {
    const base = await this.options.discoveryApi.getBaseUrl('ibias-ai-costs');
    const response = await this.options.fetchApi.fetch(`${base}${path}`);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const named = /filename="([^"]+)"/.exec(
      response.headers.get('content-disposition') ?? '',
    );
    return { filename: named?.[1] ?? fallback, text: await response.text() };
  }

  exportCsv(query: CostQuery) {
    return this.csv(`/costs/export.csv?${costParams(query)}`, 'ai-costs.csv');
  }

  exportFocus(range: { from: string; to: string }) {
    const params = new URLSearchParams(range);
    return this.csv(`/export/focus.csv?${params}`, 'ai-costs-focus.csv');
  }

  private async post<T>(path: string, body?: object): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('ibias-ai-costs');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, {
      method: 'POST',
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  alerts(query: Parameters<IbiasAiCostsApi['alerts']>[0] = {}) {
    const params = new URLSearchParams();
    if (query.state) params.set('state', query.state);
    if (query.entityRef) params.set('entityRef', query.entityRef);
    if (query.team) params.set('team', query.team);
    if (query.limit) params.set('limit', String(query.limit));
    return this.request<{ items: AiAlert[] }>(`/alerts?${params}`);
  }

  acknowledgeAlert(id: string) {
    return this.post<AiAlert>(`/alerts/${encodeURIComponent(id)}/acknowledge`);
  }

  snoozeAlert(id: string, body: { until: string } | { minutes: number }) {
    return this.post<AiAlert>(`/alerts/${encodeURIComponent(id)}/snooze`, body);
  }

  deployCosts(entityRef: string) {
    return this.request<DeployCostList>(
      `/deploy-costs?${new URLSearchParams({ entityRef })}`,
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

import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  AlertActionBody,
  AlertQuery,
  IbiasMetricsApi,
  PeriodKind,
  SignalRange,
} from './api';

/** The HTTP client of the ibias-metrics backend (loaded lazily, see plugin.tsx). */
export class IbiasMetricsClient implements IbiasMetricsApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('ibias-metrics');
    const response = await this.options.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  dashboard(period: PeriodKind, count: number) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['dashboard']>>>(
      `/dashboard?${new URLSearchParams({ period, count: String(count) })}`,
    );
  }

  kpis(period: PeriodKind, count: number) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['kpis']>>>(
      `/kpis?${new URLSearchParams({ period, count: String(count) })}`,
    );
  }

  kpi(id: string, period: PeriodKind, count: number) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['kpi']>>>(
      `/kpis/${encodeURIComponent(id)}?${new URLSearchParams({
        period,
        count: String(count),
      })}`,
    );
  }

  records(id: string, period: PeriodKind, start: string) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['records']>>>(
      `/kpis/${encodeURIComponent(id)}/records?${new URLSearchParams({
        period,
        start,
      })}`,
    );
  }

  alerts(query: AlertQuery) {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.subject) params.set('subject', query.subject);
    if (query.mine) params.set('mine', 'true');
    if (query.limit) params.set('limit', String(query.limit));
    return this.request<Awaited<ReturnType<IbiasMetricsApi['alerts']>>>(
      `/alerts?${params}`,
    );
  }

  goldenSignals(entityRef: string, range: SignalRange, environment?: string) {
    const params = new URLSearchParams({ entityRef, range });
    if (environment) params.set('environment', environment);
    return this.request<Awaited<ReturnType<IbiasMetricsApi['goldenSignals']>>>(
      `/golden-signals?${params}`,
    );
  }

  alert(id: string) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['alert']>>>(
      `/alerts/${encodeURIComponent(id)}`,
    );
  }

  act(
    id: string,
    action: 'acknowledge' | 'silence' | 'resolve',
    body: AlertActionBody = {},
  ) {
    return this.request<Awaited<ReturnType<IbiasMetricsApi['act']>>>(
      `/alerts/${encodeURIComponent(id)}/${action}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
  }
}

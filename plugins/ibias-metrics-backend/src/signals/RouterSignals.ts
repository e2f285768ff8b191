import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  isRecord,
  text,
  type DeploymentsApi,
} from '@internal/plugin-ibias-deployments-node';
import {
  compareSeries,
  type DeployMarkerSource,
  type GoldenSignalSeries,
  type GoldenSignalsReport,
  type SignalPoint,
  type SignalValue,
} from './GoldenSignals';
import {
  queryWindow,
  serviceTarget,
  type GoldenSignalRange,
} from './signalQueries';

interface RouterPoint {
  at: string;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

const count = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0
    ? value
    : undefined;
const millis = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? value
    : null;

/** One point as the deployments API sent it, or undefined when it is not one. */
function routerPoint(value: unknown): RouterPoint | undefined {
  if (!isRecord(value)) return undefined;
  const at = text(value.at);
  const requests = count(value.requests);
  const errors = count(value.errors);
  if (!at || Number.isNaN(Date.parse(at))) return undefined;
  if (requests === undefined || errors === undefined || errors > requests) {
    return undefined;
  }
  return {
    at: new Date(at).toISOString(),
    requests,
    errors,
    p50Ms: millis(value.p50Ms),
    p95Ms: millis(value.p95Ms),
    p99Ms: millis(value.p99Ms),
  };
}

/** What the Metrics tab says of these figures, next to them, before their source. */
export const ROUTER_SIGNALS_NOTE =
  'Prometheus is not configured, so these figures come from ';
const DEFAULT_SOURCE = "the local deploy target's traffic router";

/**
 * Golden signals from the local deploy target's traffic router, read through the
 * ibias-deployments API as the caller: the fallback of the Metrics tab when no
 * Prometheus is configured. Exact quantiles of what the router forwarded (no buckets);
 * no AI signals (the router sees HTTP only); steps before its records begin are "no
 * data", not idle.
 */
export class RouterSignals {
  constructor(
    private readonly options: {
      deployments: DeploymentsApi;
      markers?: DeployMarkerSource;
      now?: () => Date;
    },
  ) {}

  /** Undefined when no environment's target keeps records of the service. */
  async read(request: {
    entityRef: string;
    environment?: string;
    range: GoldenSignalRange;
    credentials: BackstageCredentials;
  }): Promise<GoldenSignalsReport | undefined> {
    const target = serviceTarget(request.entityRef, request.environment);
    // The router's records are live: the last point is the step in progress, so a
    // request made a moment ago is counted (Prometheus's last point is the last whole step).
    const now = this.options.now?.() ?? new Date();
    const floored = queryWindow(request.range, now);
    const window =
      floored.end.getTime() < now.getTime()
        ? queryWindow(
            request.range,
            new Date(floored.end.getTime() + floored.stepSeconds * 1000),
          )
        : floored;
    const query = new URLSearchParams({
      entityRef: target.entityRef,
      from: window.start.toISOString(),
      to: window.end.toISOString(),
      stepSeconds: String(window.stepSeconds),
    });
    if (request.environment) query.set('environment', request.environment);
    const [body, markers] = await Promise.all([
      this.options.deployments.get('/traffic', query, request.credentials),
      this.options.markers?.markers({
        credentials: request.credentials,
        entityRef: target.entityRef,
        environment: request.environment,
        from: window.start,
        to: window.end,
      }) ?? Promise.resolve([]),
    ]);
    const items =
      isRecord(body) && Array.isArray(body.items)
        ? body.items.filter(isRecord)
        : [];
    if (items.length === 0) return undefined;

    const sources = new Set<string>();
    const series: GoldenSignalSeries[] = [];
    for (const item of items) {
      const environment = text(item.environment);
      const coverageFrom = Date.parse(text(item.coverageFrom));
      if (!environment || Number.isNaN(coverageFrom)) continue;
      if (text(item.source)) sources.add(text(item.source));
      const versions = Array.isArray(item.versions)
        ? item.versions.filter(isRecord)
        : [];
      for (const v of versions) {
        const version = text(v.version);
        const total = routerPoint(v.total);
        const points = Array.isArray(v.points) ? v.points.map(routerPoint) : [];
        if (!version || !total || points.some(p => p === undefined)) continue;
        series.push(
          toSeries(
            environment,
            version,
            points as RouterPoint[],
            total,
            coverageFrom,
            window.stepSeconds,
          ),
        );
      }
    }
    return {
      configured: true,
      source: 'traffic-router',
      sourceNote: `${ROUTER_SIGNALS_NOTE}${
        sources.size ? [...sources].join('; ') : DEFAULT_SOURCE
      }`,
      entityRef: target.entityRef,
      service: target.service,
      ...(request.environment !== undefined
        ? { environment: request.environment }
        : {}),
      range: request.range,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      stepSeconds: window.stepSeconds,
      windowSeconds: window.stepSeconds,
      series: series.sort(compareSeries),
      markers,
      queries: {
        requestRate: 'requests the router forwarded in each step ÷ its seconds',
        errorRate: 'answers ≥ 500, or none, ÷ requests in each step',
        p50: 'median of the latencies the router measured in each step',
        p95: '95th percentile (nearest rank) of those latencies',
        p99: '99th percentile (nearest rank) of those latencies',
      },
    };
  }
}

function toSeries(
  environment: string,
  version: string,
  points: RouterPoint[],
  total: RouterPoint,
  coverageFromMs: number,
  stepSeconds: number,
): GoldenSignalSeries {
  // A step that ends before the records begin is unknown; one that ends after is known.
  const known = (p: RouterPoint) => Date.parse(p.at) >= coverageFromMs;
  const value = (
    p: RouterPoint,
    pick: (p: RouterPoint) => number | null,
  ): SignalValue => {
    if (!known(p)) return { value: null, reason: 'no data' };
    if (p.requests === 0) return { value: null, reason: 'no traffic' };
    const v = pick(p);
    return v === null ? { value: null, reason: 'no data' } : { value: v };
  };
  const along = (pick: (p: RouterPoint) => number | null): SignalPoint[] =>
    points.map(p => ({ at: p.at, ...value(p, pick) }));
  const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
  const errorRate = (p: RouterPoint) => p.errors / p.requests;
  return {
    environment,
    version,
    requestRate: points.map(p =>
      known(p)
        ? { at: p.at, value: p.requests / stepSeconds }
        : { at: p.at, value: null, reason: 'no data' },
    ),
    errorRate: along(errorRate),
    latency: {
      p50: along(p => seconds(p.p50Ms)),
      p95: along(p => seconds(p.p95Ms)),
      p99: along(p => seconds(p.p99Ms)),
    },
    largestBucketSeconds: null,
    summary: {
      requests: total.requests,
      errorRate:
        total.requests === 0
          ? { value: null, reason: 'no traffic' }
          : { value: errorRate(total) },
      p50: summaryLatency(total, total.p50Ms),
      p95: summaryLatency(total, total.p95Ms),
      p99: summaryLatency(total, total.p99Ms),
    },
    ai: null,
  };
}

function summaryLatency(total: RouterPoint, ms: number | null): SignalValue {
  if (total.requests === 0) return { value: null, reason: 'no traffic' };
  return ms === null
    ? { value: null, reason: 'no data' }
    : { value: ms / 1000 };
}

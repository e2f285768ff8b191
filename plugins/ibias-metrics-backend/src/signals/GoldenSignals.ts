import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  PrometheusQueryApi,
  PrometheusSample,
  PrometheusSeries,
} from '../prometheus/PrometheusClient';
import {
  atTopBucket,
  goldenSignalQueries,
  largestFiniteBound,
  queryWindow,
  serviceTarget,
  SPLIT_LABELS,
  type GoldenSignalQueries,
  type GoldenSignalRange,
} from './signalQueries';

/** Why a value is missing: nothing was asked of the service, or nothing is known. */
export type MissingReason = 'no traffic' | 'no data';

/** One number, or why there is none; never a 0 standing in for "unknown". */
export interface SignalValue {
  value: number | null;
  reason?: MissingReason;
  /**
   * A latency at the largest finite bucket bound: the quantile fell in the +Inf bucket,
   * so the true value is this or more.
   */
  topBucket?: boolean;
}

export interface SignalPoint extends SignalValue {
  /** UTC, ISO 8601. */
  at: string;
}

export interface AiSignals {
  /** AI calls per second. */
  requestRate: SignalPoint[];
  /** Seconds. */
  latencyP95: SignalPoint[];
  /** Fraction of AI calls whose outcome is success. */
  successRate: SignalPoint[];
  largestBucketSeconds: number | null;
  summary: {
    requests: number | null;
    latencyP95: SignalValue;
    successRate: SignalValue;
  };
}

/** The signals of one version of the service in one environment. */
export interface GoldenSignalSeries {
  environment: string;
  version: string;
  /** Requests per second (probes and scrapes excluded). */
  requestRate: SignalPoint[];
  /** Fraction of requests answered 5xx; null and "no traffic" when there were none. */
  errorRate: SignalPoint[];
  /** Seconds, from the histogram's buckets. */
  latency: { p50: SignalPoint[]; p95: SignalPoint[]; p99: SignalPoint[] };
  largestBucketSeconds: number | null;
  /** Over the whole range. */
  summary: {
    requests: number | null;
    errorRate: SignalValue;
    p50: SignalValue;
    p95: SignalValue;
    p99: SignalValue;
  };
  /** Null when the service exports no `ai_request_duration_seconds`. */
  ai: AiSignals | null;
}

/** A deployment of the service, to draw on the charts. */
export interface GoldenSignalsMarker {
  at: string;
  environment: string;
  version: string;
  status: string;
  deploymentId: string;
  label: string;
}

export interface GoldenSignalsReport {
  configured: true;
  /** Prometheus, or (without one) the local deploy target's traffic router. */
  source: 'prometheus' | 'traffic-router';
  /** What the figures are, in words, when they are not Prometheus's. */
  sourceNote?: string;
  entityRef: string;
  service: string;
  environment?: string;
  range: GoldenSignalRange;
  start: string;
  end: string;
  stepSeconds: number;
  windowSeconds: number;
  series: GoldenSignalSeries[];
  markers: GoldenSignalsMarker[];
  /** How each signal is computed: its PromQL, or the router's arithmetic in words. */
  queries: Partial<Record<keyof GoldenSignalQueries, string>>;
}

/** Deployments from ibias-deployments, read as the caller (see HttpDeployMarkers). */
export interface DeployMarkerSource {
  markers(options: {
    credentials: BackstageCredentials;
    entityRef: string;
    environment?: string;
    from: Date;
    to: Date;
  }): Promise<GoldenSignalsMarker[]>;
}

/** What the Metrics tab says when no Prometheus is configured. */
export const PROMETHEUS_SETUP_HELP =
  'Golden signals come from Prometheus, and none is configured. Install it (Debian or ' +
  'Ubuntu: `sudo apt-get install prometheus`; elsewhere https://prometheus.io/download/ ' +
  'with `prometheus` on PATH) and restart with `npm start`, which then runs it next to ' +
  'the portal; or set ibias.metrics.prometheus.url to a Prometheus, Thanos, Mimir or ' +
  'VictoriaMetrics that scrapes your services with the labels ibias_service, ' +
  'ibias_environment and version.';

/** The environments in promotion order; any other after them, by name. */
const ENVIRONMENT_ORDER = ['development', 'staging', 'production'];

type Traffic = 'traffic' | 'idle' | 'unknown';

const keyOf = (labels: Record<string, string>) =>
  SPLIT_LABELS.map(name => labels[name] ?? '').join('\u0000');

function byKey<T extends { labels: Record<string, string> }>(items: T[]) {
  return new Map(items.map(item => [keyOf(item.labels), item]));
}

function pointsByTime(series: PrometheusSeries | undefined) {
  return new Map((series?.points ?? []).map(p => [p.at, p.value]));
}

/** One value where traffic decides whether a missing or NaN value is "no traffic". */
function gated(
  raw: number | undefined,
  traffic: Traffic,
  largestBound?: number | null,
): SignalValue {
  if (traffic === 'unknown') return { value: null, reason: 'no data' };
  if (traffic === 'idle') return { value: null, reason: 'no traffic' };
  if (raw === undefined || !Number.isFinite(raw)) {
    return { value: null, reason: 'no data' };
  }
  if (largestBound === undefined) return { value: raw };
  return atTopBucket(raw, largestBound)
    ? { value: raw, topBucket: true }
    : { value: raw, topBucket: false };
}

/** A rate: what Prometheus has, else 0 when the instance was scraped (no request yet). */
function rateValue(raw: number | undefined, scraped: boolean): SignalValue {
  if (raw !== undefined && Number.isFinite(raw)) return { value: raw };
  return scraped ? { value: 0 } : { value: null, reason: 'no data' };
}

/** A count over the range (increase() extrapolates: rounded), 0 when only scraped. */
function countOf(raw: number | undefined, scraped: boolean): number | null {
  if (raw !== undefined && Number.isFinite(raw)) return Math.round(raw);
  return scraped ? 0 : null;
}

const trafficOf = (rate: SignalValue): Traffic => {
  if (rate.value === null) return 'unknown';
  return rate.value > 0 ? 'traffic' : 'idle';
};

/** Environments in promotion order, then the newest version first. */
export function compareSeries(a: GoldenSignalSeries, b: GoldenSignalSeries) {
  const rank = (env: string) => {
    const i = ENVIRONMENT_ORDER.indexOf(env);
    return i === -1 ? ENVIRONMENT_ORDER.length : i;
  };
  return (
    rank(a.environment) - rank(b.environment) ||
    a.environment.localeCompare(b.environment) ||
    // Newest version first: 1.10.0 after 1.9.0.
    b.version.localeCompare(a.version, 'en', { numeric: true })
  );
}

/**
 * A service's golden signals from Prometheus: request rate, error rate, latency
 * quantiles and, where the service exports them, AI latency and success rate, per
 * environment and version, over a range, with the deployments in that range.
 */
export class GoldenSignals {
  constructor(
    private readonly options: {
      prometheus: PrometheusQueryApi;
      markers?: DeployMarkerSource;
      now?: () => Date;
    },
  ) {}

  async read(request: {
    entityRef: string;
    environment?: string;
    range: GoldenSignalRange;
    credentials: BackstageCredentials;
  }): Promise<GoldenSignalsReport> {
    const target = serviceTarget(request.entityRef, request.environment);
    const window = queryWindow(
      request.range,
      this.options.now?.() ?? new Date(),
    );
    const queries = goldenSignalQueries(
      target,
      window.windowSeconds,
      window.rangeSeconds,
    );
    const { prometheus } = this.options;
    const range = (promql: string) =>
      prometheus.queryRange(promql, {
        start: window.start,
        end: window.end,
        stepSeconds: window.stepSeconds,
      });
    const instant = (promql: string) => prometheus.query(promql, window.end);

    const [ranges, instants, markers] = await Promise.all([
      Promise.all([
        range(queries.scraped),
        range(queries.requestRate),
        range(queries.errorRate),
        range(queries.p50),
        range(queries.p95),
        range(queries.p99),
        range(queries.aiRequestRate),
        range(queries.aiLatencyP95),
        range(queries.aiSuccessRate),
      ]),
      Promise.all([
        instant(queries.buckets),
        instant(queries.aiBuckets),
        instant(queries.totalRequests),
        instant(queries.totalErrorRate),
        instant(queries.totalP50),
        instant(queries.totalP95),
        instant(queries.totalP99),
        instant(queries.totalAiRequests),
        instant(queries.totalAiLatencyP95),
        instant(queries.totalAiSuccessRate),
      ]),
      this.options.markers
        ? this.options.markers.markers({
            credentials: request.credentials,
            entityRef: target.entityRef,
            environment: request.environment,
            from: window.start,
            to: window.end,
          })
        : Promise.resolve([]),
    ]);
    const [
      scraped,
      requestRate,
      errorRate,
      p50,
      p95,
      p99,
      aiRate,
      aiP95,
      aiOk,
    ] = ranges.map(series => byKey(series));
    const [
      buckets,
      aiBuckets,
      totalRequests,
      totalErrorRate,
      totalP50,
      totalP95,
      totalP99,
      totalAiRequests,
      totalAiP95,
      totalAiOk,
    ] = instants;

    const keys = new Set<string>();
    for (const map of [scraped, requestRate, aiRate]) {
      for (const key of map.keys()) keys.add(key);
    }
    for (const sample of [...buckets, ...aiBuckets, ...totalRequests]) {
      keys.add(keyOf(sample.labels));
    }

    const grid: number[] = [];
    const stepMs = window.stepSeconds * 1000;
    for (let at = window.start.getTime(); at <= window.end.getTime(); ) {
      grid.push(at);
      at += stepMs;
    }
    const bounds = (samples: PrometheusSample[], key: string) =>
      largestFiniteBound(
        samples.flatMap(s =>
          keyOf(s.labels) === key && s.labels.le !== undefined
            ? [s.labels.le]
            : [],
        ),
      );
    const instantValue = (samples: PrometheusSample[], key: string) =>
      samples.find(s => keyOf(s.labels) === key)?.value;

    const series = [...keys].map((key): GoldenSignalSeries => {
      const [environment, version] = key.split('\u0000');
      const up = pointsByTime(scraped.get(key));
      const wasScraped = (at: number) => (up.get(at) ?? 0) > 0;
      const everScraped = [...up.values()].some(v => v > 0);

      const requestValues = pointsByTime(requestRate.get(key));
      const rates = grid.map(at =>
        rateValue(requestValues.get(at), wasScraped(at)),
      );
      const httpTraffic = rates.map(trafficOf);
      const largest = bounds(buckets, key);
      const along = (
        source: Map<string, PrometheusSeries>,
        traffic: Traffic[],
        largestBound?: number | null,
      ): SignalPoint[] => {
        const values = pointsByTime(source.get(key));
        return grid.map((at, i) => ({
          at: new Date(at).toISOString(),
          ...gated(values.get(at), traffic[i], largestBound),
        }));
      };
      const stamped = (values: SignalValue[]) =>
        values.map((v, i) => ({ at: new Date(grid[i]).toISOString(), ...v }));

      const rawTotal = instantValue(totalRequests, key);
      const total = countOf(rawTotal, everScraped);
      // From the unrounded count: 0.4 requests (extrapolated) is still traffic.
      const totalTraffic = trafficOf(rateValue(rawTotal, everScraped));

      const hasAi =
        aiRate.has(key) ||
        aiBuckets.some(s => keyOf(s.labels) === key) ||
        totalAiRequests.some(s => keyOf(s.labels) === key);
      let ai: AiSignals | null = null;
      if (hasAi) {
        const aiValues = pointsByTime(aiRate.get(key));
        const aiRates = grid.map(at =>
          rateValue(aiValues.get(at), wasScraped(at)),
        );
        const aiTraffic = aiRates.map(trafficOf);
        const aiLargest = bounds(aiBuckets, key);
        const rawAiTotal = instantValue(totalAiRequests, key);
        const aiTotal = countOf(rawAiTotal, everScraped);
        const aiTotalTraffic = trafficOf(rateValue(rawAiTotal, everScraped));
        ai = {
          requestRate: stamped(aiRates),
          latencyP95: along(aiP95, aiTraffic, aiLargest),
          successRate: along(aiOk, aiTraffic),
          largestBucketSeconds: aiLargest,
          summary: {
            requests: aiTotal,
            latencyP95: gated(
              instantValue(totalAiP95, key),
              aiTotalTraffic,
              aiLargest,
            ),
            successRate: gated(instantValue(totalAiOk, key), aiTotalTraffic),
          },
        };
      }

      return {
        environment,
        version,
        requestRate: stamped(rates),
        errorRate: along(errorRate, httpTraffic),
        latency: {
          p50: along(p50, httpTraffic, largest),
          p95: along(p95, httpTraffic, largest),
          p99: along(p99, httpTraffic, largest),
        },
        largestBucketSeconds: largest,
        summary: {
          requests: total,
          errorRate: gated(instantValue(totalErrorRate, key), totalTraffic),
          p50: gated(instantValue(totalP50, key), totalTraffic, largest),
          p95: gated(instantValue(totalP95, key), totalTraffic, largest),
          p99: gated(instantValue(totalP99, key), totalTraffic, largest),
        },
        ai,
      };
    });

    return {
      configured: true,
      source: 'prometheus',
      entityRef: target.entityRef,
      service: target.service,
      ...(request.environment !== undefined
        ? { environment: request.environment }
        : {}),
      range: request.range,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      stepSeconds: window.stepSeconds,
      windowSeconds: window.windowSeconds,
      series: series.sort(compareSeries),
      markers,
      queries,
    };
  }
}

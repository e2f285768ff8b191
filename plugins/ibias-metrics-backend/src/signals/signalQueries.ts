import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { NON_TRAFFIC_ROUTE_REGEX } from '../alerts/rulesFile';

/**
 * The PromQL behind the golden signals, and the pure helpers it is built with.
 *
 * Series are found by the labels the deploy targets give them: the local target's
 * file_sd targets carry `ibias_entity` (the lower-cased entity ref), `ibias_service`
 * (its name), `ibias_environment` and `version`; pods on Kubernetes are relabelled to
 * `ibias_service`, `ibias_environment` and `version`, without `ibias_entity`.
 */

/** The ranges the Metrics tab offers, and the resolution each is drawn at. */
export const GOLDEN_SIGNAL_RANGES = {
  '15m': { seconds: 15 * 60, stepSeconds: 15 },
  '1h': { seconds: 60 * 60, stepSeconds: 30 },
  '6h': { seconds: 6 * 3600, stepSeconds: 180 },
  '24h': { seconds: 24 * 3600, stepSeconds: 720 },
  '7d': { seconds: 7 * 86400, stepSeconds: 3600 },
} as const;

export type GoldenSignalRange = keyof typeof GOLDEN_SIGNAL_RANGES;

export const DEFAULT_GOLDEN_SIGNAL_RANGE: GoldenSignalRange = '1h';

/** Every series of one service splits by these: one line per environment and version. */
export const SPLIT_LABELS = ['ibias_environment', 'version'] as const;

export const QUANTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

/**
 * The window each point's rate is taken over: at least a minute (four scrapes at the
 * embedded Prometheus's 15 s, so a rate always has two samples), and two steps so that
 * no request falls between two points.
 */
export function rateWindowSeconds(stepSeconds: number): number {
  return Math.max(60, 2 * stepSeconds);
}

/**
 * The query range of `range` ending at `now`: the end rounded down to a whole step, so
 * that two polls a few seconds apart draw the same points.
 */
export function queryWindow(range: GoldenSignalRange, now: Date) {
  const { seconds, stepSeconds } = GOLDEN_SIGNAL_RANGES[range];
  const stepMs = stepSeconds * 1000;
  const end = Math.floor(now.getTime() / stepMs) * stepMs;
  return {
    start: new Date(end - seconds * 1000),
    end: new Date(end),
    stepSeconds,
    windowSeconds: rateWindowSeconds(stepSeconds),
    rangeSeconds: seconds,
  };
}

/**
 * A PromQL string literal of any text: backslashes, quotes and control characters are
 * escaped, so a value can never end the string and add matchers or operators.
 */
export function promqlString(value: string): string {
  // Backslash, quote, and what is not printable ASCII nor above it (C0 controls, DEL).
  const escaped = value.replace(/[\\"]|[^ -~\u0080-\uffff]/g, c => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\t':
        return '\\t';
      case '\r':
        return '\\r';
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
  return `"${escaped}"`;
}

/** Text that a regular expression (RE2, as PromQL's `=~`) matches literally. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What one service's series are found by. */
export interface ServiceTarget {
  /** The entity ref as the local target labels it: lower case, kind and namespace. */
  entityRef: string;
  /** The entity's name: the `ibias_service` label. */
  service: string;
  environment?: string;
}

/**
 * The service of an entity ref (`component:default/ibias-api`, or `ibias-api` for a
 * component in the default namespace), as the deploy targets label it.
 */
export function serviceTarget(
  entityRef: string,
  environment?: string,
): ServiceTarget {
  let parsed;
  try {
    parsed = parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch {
    throw new InputError(
      `entityRef must be an entity ref such as component:default/ibias-api`,
    );
  }
  // The local target keys its instances by the lower-cased ref (ProcessSupervisor).
  const normalized = stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
  return {
    entityRef: normalized,
    service: parseEntityRef(normalized).name,
    environment,
  };
}

/**
 * The label matchers of one service's series (without braces). The name alone is not
 * enough (issue 8: `component:other/x` is not `component:default/x`), so `ibias_entity`
 * must be the entity's ref, or absent where the platform does not set it (Kubernetes).
 */
export function serviceMatchers(target: ServiceTarget): string {
  const matchers = [
    `ibias_service=${promqlString(target.service)}`,
    `ibias_entity=~${promqlString(`${escapeRegex(target.entityRef)}|`)}`,
  ];
  if (target.environment !== undefined) {
    matchers.push(`ibias_environment=${promqlString(target.environment)}`);
  }
  return matchers.join(',');
}

/** Probes and scrapes are not traffic (as in the alert rules). */
export const TRAFFIC_MATCHER = `route!~${promqlString(
  NON_TRAFFIC_ROUTE_REGEX,
)}`;

const by = (extra: string[] = []) => [...SPLIT_LABELS, ...extra].join(', ');

/** The PromQL of every golden signal of one service, split by environment and version. */
export interface GoldenSignalQueries {
  /** Whether each instance was scraped (so a missing request series means no traffic). */
  scraped: string;
  requestRate: string;
  errorRate: string;
  p50: string;
  p95: string;
  p99: string;
  /** The histogram's bucket bounds (`le`) seen over the whole range. */
  buckets: string;
  aiRequestRate: string;
  aiLatencyP95: string;
  aiSuccessRate: string;
  aiBuckets: string;
  /** Over the whole range, at its end: one value per environment and version. */
  totalRequests: string;
  totalErrorRate: string;
  totalP50: string;
  totalP95: string;
  totalP99: string;
  totalAiRequests: string;
  totalAiLatencyP95: string;
  totalAiSuccessRate: string;
}

/**
 * The queries of a service over `windowSeconds` per point and `rangeSeconds` in all.
 * Error and success rates are `(part or 0 * all) / all`: 0 when there is traffic and no
 * part yet, NaN (read as "no traffic") when there is none.
 */
export function goldenSignalQueries(
  target: ServiceTarget,
  windowSeconds: number,
  rangeSeconds: number,
): GoldenSignalQueries {
  const service = serviceMatchers(target);
  const http = `${service},${TRAFFIC_MATCHER}`;
  const httpErrors = `${http},status=~"5.."`;
  const aiSuccess = `${service},outcome="success"`;
  const w = `[${windowSeconds}s]`;
  const all = `[${rangeSeconds}s]`;

  const sum = (fn: string, metric: string, matchers: string, win: string) =>
    `sum by (${by()}) (${fn}(${metric}{${matchers}}${win}))`;
  const share = (part: string, whole: string) =>
    `(${part} or 0 * ${whole}) / ${whole}`;
  const quantile = (
    q: number,
    fn: string,
    metric: string,
    matchers: string,
    win: string,
  ) =>
    `histogram_quantile(${q}, sum by (${by([
      'le',
    ])}) (${fn}(${metric}_bucket{${matchers}}${win})))`;

  const requests = sum('rate', 'http_request_duration_seconds_count', http, w);
  const totalRequests = sum(
    'increase',
    'http_request_duration_seconds_count',
    http,
    all,
  );
  const aiRequests = sum(
    'rate',
    'ai_request_duration_seconds_count',
    service,
    w,
  );
  const totalAiRequests = sum(
    'increase',
    'ai_request_duration_seconds_count',
    service,
    all,
  );
  return {
    scraped: `max by (${by()}) (up{${service}})`,
    requestRate: requests,
    errorRate: share(
      sum('rate', 'http_request_duration_seconds_count', httpErrors, w),
      requests,
    ),
    p50: quantile(
      QUANTILES.p50,
      'rate',
      'http_request_duration_seconds',
      http,
      w,
    ),
    p95: quantile(
      QUANTILES.p95,
      'rate',
      'http_request_duration_seconds',
      http,
      w,
    ),
    p99: quantile(
      QUANTILES.p99,
      'rate',
      'http_request_duration_seconds',
      http,
      w,
    ),
    buckets: `count by (${by([
      'le',
    ])}) (last_over_time(http_request_duration_seconds_bucket{${http}}${all}))`,
    aiRequestRate: aiRequests,
    aiLatencyP95: quantile(
      QUANTILES.p95,
      'rate',
      'ai_request_duration_seconds',
      service,
      w,
    ),
    aiSuccessRate: share(
      sum('rate', 'ai_request_duration_seconds_count', aiSuccess, w),
      aiRequests,
    ),
    aiBuckets: `count by (${by([
      'le',
    ])}) (last_over_time(ai_request_duration_seconds_bucket{${service}}${all}))`,
    totalRequests,
    totalErrorRate: share(
      sum('increase', 'http_request_duration_seconds_count', httpErrors, all),
      totalRequests,
    ),
    totalP50: quantile(
      QUANTILES.p50,
      'increase',
      'http_request_duration_seconds',
      http,
      all,
    ),
    totalP95: quantile(
      QUANTILES.p95,
      'increase',
      'http_request_duration_seconds',
      http,
      all,
    ),
    totalP99: quantile(
      QUANTILES.p99,
      'increase',
      'http_request_duration_seconds',
      http,
      all,
    ),
    totalAiRequests,
    totalAiLatencyP95: quantile(
      QUANTILES.p95,
      'increase',
      'ai_request_duration_seconds',
      service,
      all,
    ),
    totalAiSuccessRate: share(
      sum('increase', 'ai_request_duration_seconds_count', aiSuccess, all),
      totalAiRequests,
    ),
  };
}

/** The largest finite bucket bound among `le` values (`"0.5"`, `"+Inf"`), if any. */
export function largestFiniteBound(leValues: Iterable<string>): number | null {
  let largest: number | null = null;
  for (const le of leValues) {
    const bound = Number(le);
    if (Number.isFinite(bound) && (largest === null || bound > largest)) {
      largest = bound;
    }
  }
  return largest;
}

/**
 * Whether a quantile estimate sits at the top of the histogram: when the quantile falls
 * in the +Inf bucket, histogram_quantile answers the largest finite bound, so the true
 * value is that or more and the estimate says only "at least".
 */
export function atTopBucket(
  estimate: number | null,
  largestBound: number | null,
): boolean {
  return estimate !== null && largestBound !== null && estimate >= largestBound;
}

import {
  CustomErrorBase,
  InputError,
  isError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** One series of an instant query: its labels and its value at the query's time. */
export interface PrometheusSample {
  labels: Record<string, string>;
  /** As Prometheus gave it: NaN (0 ÷ 0) and ±Infinity included. */
  value: number;
}

/** One series of a range query: its labels and a value at each step it has one. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  /** `at` in epoch milliseconds; values as Prometheus gave them (NaN included). */
  points: Array<{ at: number; value: number }>;
}

/** What the golden signals need of a Prometheus; PrometheusClient is the real one. */
export interface PrometheusQueryApi {
  query(promql: string, at: Date): Promise<PrometheusSample[]>;
  queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<PrometheusSeries[]>;
}

/** Prometheus understood the request and refused it (a query it cannot run). */
export class PrometheusQueryError extends CustomErrorBase {
  name = 'PrometheusQueryError' as const;
}

/**
 * A sample value as the HTTP API writes it: a decimal, or NaN, +Inf, -Inf (which
 * `Number()` reads as NaN only in part).
 */
export function parsePrometheusValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

type ApiBody = {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function labelsOf(metric: unknown): Record<string, string> {
  if (!isRecord(metric)) return {};
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value === 'string') labels[name] = value;
  }
  return labels;
}

/** Why fetch failed: its own message is "fetch failed", the cause says why. */
function failureReason(error: unknown): string {
  const cause =
    typeof error === 'object' && error !== null && 'cause' in error
      ? error.cause
      : undefined;
  for (const candidate of [cause, error]) {
    if (!isError(candidate)) continue;
    const code =
      'code' in candidate && typeof candidate.code === 'string'
        ? candidate.code
        : undefined;
    // A refused connection to both address families is an AggregateError without text.
    if (candidate.message && candidate !== error) return candidate.message;
    if (code) return code;
  }
  return isError(error) ? error.message : String(error);
}

function pointOf(pair: unknown): { at: number; value: number } | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const [seconds, text] = pair;
  if (typeof seconds !== 'number' || typeof text !== 'string') return undefined;
  return { at: Math.round(seconds * 1000), value: parsePrometheusValue(text) };
}

/**
 * A small client of the Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`),
 * which Thanos, Mimir (under its `/prometheus` prefix: put it in the URL) and
 * VictoriaMetrics answer alike.
 *
 * Credentials in the URL (`https://user:password@host`) are sent as basic auth and never
 * appear in an error: errors name the host and the API path only. Each request gives up
 * after `timeoutMs`.
 */
export class PrometheusClient implements PrometheusQueryApi {
  readonly #base: URL;
  readonly #authorization?: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: {
    url: string;
    /** Per request; default 10 s. */
    timeoutMs?: number;
    fetch?: typeof fetch;
  }) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      // The URL itself may hold a password: it is not repeated.
      throw new InputError(
        'ibias.metrics.prometheus.url is not a URL; it should look like http://127.0.0.1:9391',
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new InputError(
        `ibias.metrics.prometheus.url must be an http or https URL, not ${base.protocol}`,
      );
    }
    if (base.username || base.password) {
      const user = decodeURIComponent(base.username);
      const password = decodeURIComponent(base.password);
      this.#authorization = `Basic ${Buffer.from(
        `${user}:${password}`,
      ).toString('base64')}`;
      base.username = '';
      base.password = '';
    }
    base.search = '';
    base.hash = '';
    this.#base = base;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Where a request went, for errors: host and path, never credentials or the query. */
  #where(apiPath: string): string {
    return `${this.#base.host}${this.#base.pathname.replace(
      /\/$/,
      '',
    )}${apiPath}`;
  }

  async #post(apiPath: string, form: Record<string, string>): Promise<ApiBody> {
    const url = new URL(this.#base.toString());
    url.pathname = `${url.pathname.replace(/\/$/, '')}${apiPath}`;
    const where = this.#where(apiPath);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.#authorization) headers.authorization = this.#authorization;
    let response: Response;
    try {
      // POST: the API takes the same form fields, and a long query fits in a body.
      response = await this.#fetch(url, {
        method: 'POST',
        headers,
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw this.#unreachable(where, error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.#unreachable(where, error);
    }
    let body: ApiBody | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      body = isRecord(parsed) ? parsed : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok && body?.status === 'success') return body;
    const detail = body?.error
      ? `${body.errorType ?? 'error'}: ${body.error.slice(0, 300)}`
      : `${text.slice(0, 120)}`.trim() || 'no body';
    if (response.status >= 500 || response.status === 429) {
      throw new ServiceUnavailableError(
        `Prometheus at ${where} answered ${response.status} (${detail})`,
      );
    }
    if (response.status === 401 || response.status === 403) {
      throw new PrometheusQueryError(
        `Prometheus at ${where} refused the portal (${response.status}): check the credentials in ibias.metrics.prometheus.url`,
      );
    }
    throw new PrometheusQueryError(
      `Prometheus at ${where} answered ${response.status} (${detail})`,
    );
  }

  #unreachable(where: string, error: unknown): Error {
    // Duck-typed: fetch's errors may come from another realm than this module's Error.
    if (isError(error) && error.name === 'TimeoutError') {
      return new ServiceUnavailableError(
        `Prometheus at ${where} did not answer within ${
          this.#timeoutMs / 1000
        } s`,
      );
    }
    return new ServiceUnavailableError(
      `Prometheus at ${where} is unreachable (${failureReason(error).slice(
        0,
        120,
      )})`,
    );
  }

  async query(promql: string, at: Date): Promise<PrometheusSample[]> {
    const body = await this.#post('/api/v1/query', {
      query: promql,
      time: String(at.getTime() / 1000),
    });
    const { resultType, result } = body.data ?? {};
    if (resultType === 'scalar') {
      const point = pointOf(result);
      return point ? [{ labels: {}, value: point.value }] : [];
    }
    if (resultType !== 'vector' || !Array.isArray(result)) {
      throw new PrometheusQueryError(
        `Prometheus at ${this.#where(
          '/api/v1/query',
        )} answered a ${resultType} where a vector was expected`,
      );
    }
    return result.flatMap(item => {
      const point = isRecord(item) ? pointOf(item.value) : undefined;
      return point && isRecord(item)
        ? [{ labels: labelsOf(item.metric), value: point.value }]
        : [];
    });
  }

  async queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ): Promise<PrometheusSeries[]> {
    const body = await this.#post('/api/v1/query_range', {
      query: promql,
      start: String(range.start.getTime() / 1000),
      end: String(range.end.getTime() / 1000),
      step: String(range.stepSeconds),
    });
    const { resultType, result } = body.data ?? {};
    if (resultType !== 'matrix' || !Array.isArray(result)) {
      throw new PrometheusQueryError(
        `Prometheus at ${this.#where(
          '/api/v1/query_range',
        )} answered a ${resultType} where a matrix was expected`,
      );
    }
    return result.flatMap(item => {
      if (!isRecord(item) || !Array.isArray(item.values)) return [];
      return [
        {
          labels: labelsOf(item.metric),
          points: item.values.flatMap(pair => {
            const point = pointOf(pair);
            return point ? [point] : [];
          }),
        },
      ];
    });
  }
}

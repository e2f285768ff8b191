/**
 * What a healthy IBIAS service is, in one place: the local deploy target's health checks
 * and smoke tests and the template's verification gate run these same checks.
 */

import { seconds } from './runProcess';

/** The headers every IBIAS service sends on every answer (the seed's security baseline). */
export const REQUIRED_SECURITY_HEADERS = [
  'x-content-type-options',
  'x-frame-options',
  'strict-transport-security',
  'referrer-policy',
  'content-security-policy',
] as const;

/** What /metrics must expose: the request histogram and prom-client's default metrics. */
export const REQUIRED_METRICS = [
  '# TYPE http_request_duration_seconds histogram',
  'process_cpu_user_seconds_total',
] as const;

/** One check's verdict; `detail` says what passed or, when it failed, why. */
export interface ServiceCheck {
  /** What was asked, e.g. `GET /health`. */
  query: string;
  passed: boolean;
  detail: string;
}

export interface ServiceProbeOptions {
  /** Each request gives up after this long (default 5 s): a hung service fails. */
  timeoutMs?: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One request with its body read, or why there was no answer. */
async function ask(
  url: string,
  init: RequestInit,
  timeoutMs = 5_000,
): Promise<Answer | { problem: string }> {
  const { pathname } = new URL(url);
  try {
    const res = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (error) {
    return {
      problem:
        // Not instanceof Error: fetch's DOMException may come from another realm.
        (error as { name?: unknown } | null)?.name === 'TimeoutError'
          ? `${pathname} did not answer within ${seconds(timeoutMs)} s`
          : `${pathname} could not be reached`,
    };
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

/**
 * GET /health answers 200 with `{ status: 'ok', version }`; with `version` given, that
 * version (the deploy checks it runs what it started).
 */
export async function checkHealth(
  baseUrl: string,
  options: ServiceProbeOptions & { version?: string } = {},
): Promise<ServiceCheck> {
  const query = 'GET /health';
  const answer = await ask(`${baseUrl}/health`, {}, options.timeoutMs);
  if ('problem' in answer) {
    return { query, passed: false, detail: answer.problem };
  }
  const body = parseJson(answer.text);
  const version = typeof body.version === 'string' ? body.version : undefined;
  const passed =
    answer.status === 200 &&
    body.status === 'ok' &&
    Boolean(version) &&
    (options.version === undefined || version === options.version);
  return {
    query,
    passed,
    detail: passed
      ? `/health ok (version ${version})`
      : `/health answered ${answer.status} ${JSON.stringify(body).slice(
          0,
          200,
        )}; expected 200 with status ok and ${
          options.version === undefined
            ? 'a version'
            : `version ${options.version}`
        }`,
  };
}

/** GET /ready answers 200. */
export async function checkReady(
  baseUrl: string,
  options: ServiceProbeOptions = {},
): Promise<ServiceCheck> {
  const query = 'GET /ready';
  const answer = await ask(`${baseUrl}/ready`, {}, options.timeoutMs);
  if ('problem' in answer) {
    return { query, passed: false, detail: answer.problem };
  }
  const passed = answer.status === 200;
  return {
    query,
    passed,
    detail: passed ? '/ready ok' : `/ready answered ${answer.status}`,
  };
}

/** GET /health carries every REQUIRED_SECURITY_HEADERS, and X-Frame-Options is DENY. */
export async function checkSecurityHeaders(
  baseUrl: string,
  options: ServiceProbeOptions = {},
): Promise<ServiceCheck> {
  const query = 'GET /health → security headers';
  const answer = await ask(`${baseUrl}/health`, {}, options.timeoutMs);
  if ('problem' in answer) {
    return { query, passed: false, detail: answer.problem };
  }
  const missing = REQUIRED_SECURITY_HEADERS.filter(h => !answer.headers.get(h));
  if (missing.length > 0) {
    return {
      query,
      passed: false,
      detail: `Security headers missing: ${missing.join(', ')}`,
    };
  }
  const frameOptions = answer.headers.get('x-frame-options');
  if (frameOptions !== 'DENY') {
    return {
      query,
      passed: false,
      detail: `X-Frame-Options must be DENY, not ${JSON.stringify(
        frameOptions?.slice(0, 100),
      )}`,
    };
  }
  return { query, passed: true, detail: 'security headers ok' };
}

/** GET /metrics answers 200 with every REQUIRED_METRICS. */
export async function checkMetrics(
  baseUrl: string,
  options: ServiceProbeOptions = {},
): Promise<ServiceCheck> {
  const query = 'GET /metrics';
  const answer = await ask(`${baseUrl}/metrics`, {}, options.timeoutMs);
  if ('problem' in answer) {
    return { query, passed: false, detail: answer.problem };
  }
  const missing = REQUIRED_METRICS.filter(m => !answer.text.includes(m));
  if (answer.status !== 200 || missing.length > 0) {
    return {
      query,
      passed: false,
      detail: `/metrics answered ${answer.status}${
        missing.length > 0 ? ` without ${missing.join(' and ')}` : ''
      }; it must expose the http_request_duration_seconds histogram and the default process metrics`,
    };
  }
  return { query, passed: true, detail: '/metrics ok' };
}

/**
 * With RATE_LIMIT_MAX=`limit`, the first `limit` POSTs of `{"message": …}` to `path`
 * pass and the next answers 429 with Retry-After.
 */
export async function checkRateLimit(
  baseUrl: string,
  options: ServiceProbeOptions & { limit: number; path: string },
): Promise<ServiceCheck> {
  const { limit } = options;
  const query = `POST ${options.path} × ${limit + 1}`;
  const fail = (detail: string) => ({ query, passed: false, detail });
  for (let i = 1; i <= limit + 1; i++) {
    const answer = await ask(
      `${baseUrl}${options.path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'verification' }),
      },
      options.timeoutMs,
    );
    if ('problem' in answer) return fail(answer.problem);
    if (answer.status !== 429) continue;
    if (i <= limit) {
      return fail(`Rate limited after ${i} requests; limit is ${limit}`);
    }
    if (!answer.headers.get('retry-after')) {
      return fail('429 without a Retry-After header');
    }
    return {
      query,
      passed: true,
      detail: `rate limit ok (429 with Retry-After after ${limit} requests)`,
    };
  }
  return fail(
    `No 429 after ${limit + 1} requests with RATE_LIMIT_MAX=${limit}`,
  );
}

/** Before a version takes traffic: it answers /health as that version, and is ready. */
export function serviceHealthChecks(
  baseUrl: string,
  options: ServiceProbeOptions & { version: string },
): Promise<ServiceCheck[]> {
  return Promise.all([
    checkHealth(baseUrl, options),
    checkReady(baseUrl, options),
  ]);
}

/** The wiring every IBIAS service has: its metrics and the security baseline. */
export async function serviceSmokeTests(
  baseUrl: string,
  options: ServiceProbeOptions = {},
): Promise<ServiceCheck[]> {
  return [
    await checkMetrics(baseUrl, options),
    await checkSecurityHeaders(baseUrl, options),
  ];
}

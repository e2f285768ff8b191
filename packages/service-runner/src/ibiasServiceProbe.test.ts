import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkHealth,
  checkMetrics,
  checkRateLimit,
  checkSecurityHeaders,
  REQUIRED_SECURITY_HEADERS,
  serviceHealthChecks,
  serviceSmokeTests,
} from './ibiasServiceProbe';

const BASELINE: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy': "default-src 'none'",
};
const METRICS =
  '# TYPE http_request_duration_seconds histogram\nprocess_cpu_user_seconds_total 1\n';

interface Behaviour {
  headers?: Record<string, string>;
  healthStatus?: number;
  healthBody?: string;
  readyStatus?: number;
  metrics?: string;
  metricsStatus?: number;
  /** POSTs after this many answer 429. */
  limitAfter?: number;
  retryAfter?: boolean;
  /** Never answers /health. */
  hang?: boolean;
}

// A loopback service that meets the baseline unless a test bends one thing of it.
async function serve(behaviour: Behaviour = {}) {
  let posts = 0;
  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(behaviour.headers ?? BASELINE)) {
      res.setHeader(k, v);
    }
    if (req.url === '/health') {
      if (behaviour.hang) return;
      res.statusCode = behaviour.healthStatus ?? 200;
      res.end(
        behaviour.healthBody ??
          JSON.stringify({ status: 'ok', version: '1.0.0' }),
      );
    } else if (req.url === '/ready') {
      res.statusCode = behaviour.readyStatus ?? 200;
      res.end('{}');
    } else if (req.url === '/metrics') {
      res.statusCode = behaviour.metricsStatus ?? 200;
      res.end(behaviour.metrics ?? METRICS);
    } else {
      posts += 1;
      if (behaviour.limitAfter !== undefined && posts > behaviour.limitAfter) {
        if (behaviour.retryAfter !== false) res.setHeader('Retry-After', '60');
        res.statusCode = 429;
      }
      res.end('{}');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

async function withService<T>(
  behaviour: Behaviour,
  fn: (url: string) => Promise<T>,
) {
  const svc = await serve(behaviour);
  try {
    return await fn(svc.url);
  } finally {
    await svc.close();
  }
}

const without = (name: string) =>
  Object.fromEntries(Object.entries(BASELINE).filter(([k]) => k !== name));

describe('checkSecurityHeaders', () => {
  it('passes the baseline', async () => {
    await expect(withService({}, checkSecurityHeaders)).resolves.toEqual({
      query: 'GET /health → security headers',
      passed: true,
      detail: 'security headers ok',
    });
  });

  it.each(REQUIRED_SECURITY_HEADERS.map(h => [h]))(
    'fails without %s, naming it',
    async header => {
      const check = await withService(
        { headers: without(header) },
        checkSecurityHeaders,
      );
      expect(check).toEqual({
        query: 'GET /health → security headers',
        passed: false,
        detail: `Security headers missing: ${header}`,
      });
    },
  );

  it.each([['SAMEORIGIN'], ['deny']])(
    'fails with X-Frame-Options %s',
    async value => {
      const check = await withService(
        { headers: { ...BASELINE, 'x-frame-options': value } },
        checkSecurityHeaders,
      );
      expect(check.passed).toBe(false);
      expect(check.detail).toBe(
        `X-Frame-Options must be DENY, not ${JSON.stringify(value)}`,
      );
    },
  );

  it('names every missing header at once', async () => {
    const check = await withService({ headers: {} }, checkSecurityHeaders);
    expect(check.detail).toBe(
      `Security headers missing: ${REQUIRED_SECURITY_HEADERS.join(', ')}`,
    );
  });
});

describe('checkHealth', () => {
  it.each<[string, Behaviour, string | undefined, boolean, string | RegExp]>([
    ['the baseline', {}, undefined, true, '/health ok (version 1.0.0)'],
    ['the expected version', {}, '1.0.0', true, '/health ok (version 1.0.0)'],
    [
      'another version than started',
      {},
      '1.1.0',
      false,
      '/health answered 200 {"status":"ok","version":"1.0.0"}; expected 200 with status ok and version 1.1.0',
    ],
    [
      'a 503',
      { healthStatus: 503 },
      undefined,
      false,
      /^\/health answered 503 /,
    ],
    [
      'a status other than ok',
      { healthBody: '{"status":"degraded","version":"1.0.0"}' },
      undefined,
      false,
      /expected 200 with status ok and a version$/,
    ],
    [
      'no version',
      { healthBody: '{"status":"ok"}' },
      undefined,
      false,
      '/health answered 200 {"status":"ok"}; expected 200 with status ok and a version',
    ],
    [
      'a body that is not JSON',
      { healthBody: 'fine' },
      undefined,
      false,
      '/health answered 200 {}; expected 200 with status ok and a version',
    ],
  ])('%s', async (_, behaviour, version, passed, detail) => {
    const check = await withService(behaviour, url =>
      checkHealth(url, { version }),
    );
    expect(check.passed).toBe(passed);
    expect(check.detail).toMatch(detail);
  });

  it('a service that hangs fails within the timeout', async () => {
    const started = Date.now();
    const check = await withService({ hang: true }, url =>
      checkHealth(url, { timeoutMs: 300 }),
    );
    expect(check).toEqual({
      query: 'GET /health',
      passed: false,
      detail: '/health did not answer within 0.3 s',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a service that is not there fails', async () => {
    const svc = await serve();
    await svc.close();
    expect((await checkHealth(svc.url)).detail).toBe(
      '/health could not be reached',
    );
  });
});

describe('checkMetrics', () => {
  it.each<[string, Behaviour, boolean, string]>([
    ['the baseline', {}, true, '/metrics ok'],
    [
      'no request histogram',
      { metrics: 'process_cpu_user_seconds_total 1\n' },
      false,
      '/metrics answered 200 without # TYPE http_request_duration_seconds histogram; it must expose the http_request_duration_seconds histogram and the default process metrics',
    ],
    [
      'no process metrics',
      { metrics: '# TYPE http_request_duration_seconds histogram\n' },
      false,
      '/metrics answered 200 without process_cpu_user_seconds_total; it must expose the http_request_duration_seconds histogram and the default process metrics',
    ],
    [
      'a 500',
      { metricsStatus: 500 },
      false,
      '/metrics answered 500; it must expose the http_request_duration_seconds histogram and the default process metrics',
    ],
  ])('%s', async (_, behaviour, passed, detail) => {
    expect(await withService(behaviour, checkMetrics)).toEqual({
      query: 'GET /metrics',
      passed,
      detail,
    });
  });
});

describe('checkRateLimit', () => {
  it.each<[string, Behaviour, boolean, string]>([
    [
      'a limit as configured',
      { limitAfter: 5 },
      true,
      'rate limit ok (429 with Retry-After after 5 requests)',
    ],
    ['no limit', {}, false, 'No 429 after 6 requests with RATE_LIMIT_MAX=5'],
    [
      'a limit that is too strict',
      { limitAfter: 2 },
      false,
      'Rate limited after 3 requests; limit is 5',
    ],
    [
      'a 429 without Retry-After',
      { limitAfter: 5, retryAfter: false },
      false,
      '429 without a Retry-After header',
    ],
  ])('%s', async (_, behaviour, passed, detail) => {
    const check = await withService(behaviour, url =>
      checkRateLimit(url, { limit: 5, path: '/api/v1/echo' }),
    );
    expect(check).toEqual({ query: 'POST /api/v1/echo × 6', passed, detail });
  });
});

describe('serviceHealthChecks and serviceSmokeTests', () => {
  it('pass a service that meets the baseline', async () => {
    await withService({}, async url => {
      expect(
        (await serviceHealthChecks(url, { version: '1.0.0' })).map(
          c => c.passed,
        ),
      ).toEqual([true, true]);
      expect(await serviceSmokeTests(url)).toEqual([
        { query: 'GET /metrics', passed: true, detail: '/metrics ok' },
        {
          query: 'GET /health → security headers',
          passed: true,
          detail: 'security headers ok',
        },
      ]);
    });
  });

  it('say which check failed', async () => {
    await withService(
      { readyStatus: 503, headers: without('referrer-policy') },
      async url => {
        expect(await serviceHealthChecks(url, { version: '1.0.0' })).toEqual([
          {
            query: 'GET /health',
            passed: true,
            detail: '/health ok (version 1.0.0)',
          },
          { query: 'GET /ready', passed: false, detail: '/ready answered 503' },
        ]);
        expect((await serviceSmokeTests(url)).filter(c => !c.passed)).toEqual([
          {
            query: 'GET /health → security headers',
            passed: false,
            detail: 'Security headers missing: referrer-policy',
          },
        ]);
      },
    );
  });
});

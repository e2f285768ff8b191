import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { REQUIRED_SECURITY_HEADERS } from '@internal/ibias-service-runner';
import { auditVerdict } from './verifyServiceCommands';
import { probeService } from './verifyServiceProbe';

// A loopback service whose behaviour each test bends, to show each probe can fail.
async function serve(options: {
  headers?: Record<string, string>;
  health?: number;
  metrics?: string;
  limitAfter?: number;
  retryAfter?: boolean;
  /** Only this path is rate limited (others answer 404). */
  limitedPath?: string;
}) {
  let count = 0;
  const headers = options.headers ?? {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Strict-Transport-Security': 'max-age=31536000',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': "default-src 'none'",
  };
  const server = http.createServer((req, res) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (req.url === '/health') {
      res.statusCode = options.health ?? 200;
      res.end(JSON.stringify({ status: 'ok', version: '1.0.0' }));
    } else if (req.url === '/metrics') {
      res.end(
        options.metrics ??
          '# TYPE http_request_duration_seconds histogram\nprocess_cpu_user_seconds_total 1\n',
      );
    } else if (options.limitedPath && req.url !== options.limitedPath) {
      res.statusCode = 404;
      res.end('{}');
    } else {
      count += 1;
      if (options.limitAfter !== undefined && count > options.limitAfter) {
        if (options.retryAfter !== false) res.setHeader('Retry-After', '60');
        res.statusCode = 429;
      }
      res.end('{}');
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise(resolve => server.close(resolve)) };
}

describe('probeService', () => {
  it('probes the rate limit on the path it is given', async () => {
    const svc = await serve({ limitAfter: 3, limitedPath: '/api/v1/feedback' });
    try {
      await expect(
        probeService(svc.url, 3, '/api/v1/feedback'),
      ).resolves.toContain(
        'rate limit ok (429 with Retry-After after 3 requests)',
      );
      await expect(probeService(svc.url, 3)).rejects.toThrow(/No 429/);
    } finally {
      await svc.close();
    }
  });

  it('passes a service that meets the baseline', async () => {
    const svc = await serve({ limitAfter: 5 });
    try {
      const findings = await probeService(svc.url, 5);
      expect(findings).toEqual([
        '/health ok (version 1.0.0)',
        'security headers ok',
        '/metrics ok',
        'rate limit ok (429 with Retry-After after 5 requests)',
      ]);
    } finally {
      await svc.close();
    }
  });

  it.each([
    [
      'an unhealthy service',
      { health: 503, limitAfter: 5 },
      /\/health answered 503/,
    ],
    [
      'missing headers',
      { headers: {}, limitAfter: 5 },
      new RegExp(
        `Security headers missing: ${REQUIRED_SECURITY_HEADERS.join(', ')}`,
      ),
    ],
    [
      'no request histogram',
      { metrics: 'nothing', limitAfter: 5 },
      /http_request_duration_seconds/,
    ],
    ['no rate limit', {}, /No 429 after 6 requests/],
    [
      'a limit that is too strict',
      { limitAfter: 2 },
      /Rate limited after 3 requests/,
    ],
    [
      'a 429 without Retry-After',
      { limitAfter: 5, retryAfter: false },
      /without a Retry-After/,
    ],
  ])('fails on %s', async (_, options, message) => {
    const svc = await serve(options);
    try {
      await expect(probeService(svc.url, 5)).rejects.toThrow(message);
    } finally {
      await svc.close();
    }
  });
});

describe('auditVerdict', () => {
  const report = (
    counts: Record<string, number>,
    vulnerabilities: Record<string, { severity: string }> = {},
  ) =>
    JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities,
      metadata: {
        vulnerabilities: {
          info: 0,
          low: 0,
          moderate: 0,
          high: 0,
          critical: 0,
          ...counts,
        },
      },
    });
  const cases: Array<[string, string, unknown]> = [
    ['a clean report', report({}), { status: 'clean', low: 0 }],
    [
      'only low findings',
      report({ low: 2 }, { debug: { severity: 'low' } }),
      { status: 'clean', low: 2 },
    ],
    [
      'a moderate finding',
      report({ moderate: 1 }, { 'path-to-regexp': { severity: 'moderate' } }),
      { status: 'vulnerable', packages: ['path-to-regexp (moderate)'] },
    ],
    [
      'high and critical findings',
      report(
        { high: 1, critical: 1 },
        { next: { severity: 'critical' }, ws: { severity: 'high' } },
      ),
      { status: 'vulnerable', packages: ['next (critical)', 'ws (high)'] },
    ],
    [
      'the registry refusing the audit endpoint',
      JSON.stringify({
        message:
          '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
        statusCode: 405,
        error: { summary: '', detail: '' },
      }),
      {
        status: 'unavailable',
        reason:
          '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
      },
    ],
    [
      'no output at all',
      '',
      { status: 'unavailable', reason: 'npm audit printed no report' },
    ],
  ];
  for (const [label, stdout, expected] of cases) {
    it(`${label} → ${(expected as { status: string }).status}`, () => {
      expect(auditVerdict(stdout)).toEqual(expected);
    });
  }
});

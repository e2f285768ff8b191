// Contract tests against the real, built Next.js app behind the IBIAS layer.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeNext, eventually, startApp } from './helpers';

after(closeNext);

const REQUIRED_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

describe('probes', () => {
  it('GET /health answers ok with version and commit', async () => {
    const s = await startApp({ GIT_COMMIT: 'abc1234' });
    try {
      const res = await fetch(`${s.url}/health`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.status, 'ok');
      assert.equal(body.version, '1.2.3');
      assert.equal(body.commit, 'abc1234');
      assert.equal(body.environment, 'development');
    } finally {
      await s.close();
    }
  });

  it('GET /ready is 200, then 503 while shutting down', async () => {
    const s = await startApp();
    try {
      assert.equal((await fetch(`${s.url}/ready`)).status, 200);
      s.app.setReady(false);
      assert.equal((await fetch(`${s.url}/ready`)).status, 503);
    } finally {
      await s.close();
    }
  });
});

describe('pages and API routes', () => {
  it('renders the home page with the security headers and a CSP', async () => {
    const s = await startApp({ NODE_ENV: 'production' });
    try {
      const res = await fetch(`${s.url}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const html = await res.text();
      assert.match(html, /Send feedback/);
      // The page shows the running version and IBIAS environment, not React's mode.
      assert.match(html, /Version <strong>1\.2\.3<\/strong>/);
      assert.match(html, /environment.*<strong>production<\/strong>/);
      for (const [name, value] of Object.entries(REQUIRED_HEADERS)) {
        assert.equal(res.headers.get(name), value, name);
      }
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.equal(res.headers.get('x-powered-by'), null);
    } finally {
      await s.close();
    }
  });

  it('serves the built static assets the page links to', async () => {
    const s = await startApp();
    try {
      const html = await (await fetch(`${s.url}/`)).text();
      const asset = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0];
      assert.ok(asset, 'the page links a script');
      const res = await fetch(`${s.url}${asset}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
    } finally {
      await s.close();
    }
  });

  it('POST /api/v1/feedback accepts a valid body (201)', async () => {
    const s = await startApp();
    try {
      const res = await fetch(`${s.url}/api/v1/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'Nice', rating: 5 }),
      });
      assert.equal(res.status, 201);
      const body = (await res.json()) as { id: string };
      assert.match(body.id, /^[0-9a-f-]{36}$/);
    } finally {
      await s.close();
    }
  });

  const invalid: Array<[string, RequestInit, number, RegExp]> = [
    ['an empty message', { body: '{"message":""}' }, 400, /Invalid request/],
    ['an unknown field', { body: '{"message":"x","x":1}' }, 400, /Invalid/],
    ['a rating of 9', { body: '{"message":"x","rating":9}' }, 400, /Invalid/],
    ['broken JSON', { body: '{"message":' }, 400, /not valid JSON/],
    [
      'a non-JSON content type',
      { body: 'message=x', headers: { 'Content-Type': 'text/plain' } },
      415,
      /Content-Type/,
    ],
    [
      'a body over 100 KiB',
      { body: JSON.stringify({ message: 'x'.repeat(200_000) }) },
      413,
      /larger than/,
    ],
  ];
  for (const [label, init, status, message] of invalid) {
    it(`POST /api/v1/feedback rejects ${label} with ${status}`, async () => {
      const s = await startApp();
      try {
        const res = await fetch(`${s.url}/api/v1/feedback`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          ...init,
        });
        assert.equal(res.status, status);
        const body = (await res.json()) as { error: string };
        assert.match(body.error, message);
      } finally {
        await s.close();
      }
    });
  }

  it('GET on the POST-only API route is 405, an unknown page 404', async () => {
    const s = await startApp();
    try {
      assert.equal((await fetch(`${s.url}/api/v1/feedback`)).status, 405);
      assert.equal((await fetch(`${s.url}/no/such/page`)).status, 404);
    } finally {
      await s.close();
    }
  });
});

describe('metrics', () => {
  it('exposes the duration histogram with bounded route labels and process metrics', async () => {
    const s = await startApp();
    try {
      for (const path of ['/', '/no/such/page-1', '/no/such/page-2']) {
        await (await fetch(`${s.url}${path}`)).text();
      }
      const text = await eventually(async () => {
        const res = await fetch(`${s.url}/metrics`);
        assert.equal(res.status, 200);
        const body = await res.text();
        assert.match(
          body,
          /http_request_duration_seconds_bucket\{le="0.005",service="test-web-app",method="GET",route="\/",status="200"\}/,
        );
        assert.match(
          body,
          /http_request_duration_seconds_count\{service="test-web-app",method="GET",route="unmatched",status="404"\} 2/,
        );
        return body;
      });
      assert.match(text, /# TYPE http_request_duration_seconds histogram/);
      assert.doesNotMatch(text, /page-1/);
      assert.match(text, /process_cpu_user_seconds_total/);
      assert.match(text, /nodejs_heap_size_used_bytes/);
    } finally {
      await s.close();
    }
  });

  it('logs each request as one JSON line', async () => {
    const s = await startApp();
    try {
      await (await fetch(`${s.url}/health`)).text();
      const entry = await eventually(async () => {
        const found = s.logs
          .map(l => JSON.parse(l) as Record<string, unknown>)
          .find(l => l.message === 'request' && l.route === '/health');
        assert.ok(found, 'a request log line');
        return found;
      });
      assert.equal(entry.status, 200);
      assert.equal(typeof entry.durationMs, 'number');
    } finally {
      await s.close();
    }
  });
});

describe('rate limiting and CORS', () => {
  it('answers 429 with Retry-After once the limit is spent; probes stay open', async () => {
    const s = await startApp({
      NODE_ENV: 'production',
      RATE_LIMIT_MAX: '3',
    });
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await fetch(`${s.url}/`)).status, 200);
      }
      const res = await fetch(`${s.url}/`);
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal((await fetch(`${s.url}/health`)).status, 200);
      assert.equal((await fetch(`${s.url}/metrics`)).status, 200);
    } finally {
      await s.close();
    }
  });

  it('production allows 500 requests per 15 minutes by default', async () => {
    const s = await startApp({ NODE_ENV: 'production' });
    try {
      const res = await fetch(`${s.url}/api/v1/feedback`, {
        method: 'OPTIONS',
      });
      assert.equal(res.headers.get('ratelimit-limit'), '500');
      assert.equal(res.headers.get('ratelimit-remaining'), '499');
    } finally {
      await s.close();
    }
  });

  it('allows listed origins on the API and no others', async () => {
    const s = await startApp({ CORS_ORIGINS: 'https://app.example' });
    try {
      const allowed = await fetch(`${s.url}/api/v1/feedback`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://app.example' },
      });
      assert.equal(allowed.status, 204);
      assert.equal(
        allowed.headers.get('access-control-allow-origin'),
        'https://app.example',
      );
      const denied = await fetch(`${s.url}/api/v1/feedback`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example' },
      });
      assert.equal(denied.headers.get('access-control-allow-origin'), null);
    } finally {
      await s.close();
    }
  });
});

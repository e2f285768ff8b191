// Contract tests: what the IBIAS platform (probes, Prometheus, the portal's verification
// gate) relies on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SECURITY_HEADERS } from '../src/app';
import { startApp } from './helpers';

describe('contract', () => {
  let svc: Awaited<ReturnType<typeof startApp>>;
  before(async () => {
    svc = await startApp({ GIT_COMMIT: 'abc123' });
  });
  after(() => svc.close());

  it('GET /health reports liveness with version and commit', async () => {
    const res = await fetch(`${svc.url}/health`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.version, '1.2.3');
    assert.equal(body.commit, 'abc123');
    assert.equal(body.service, 'test-service');
  });

  it('GET /ready answers 200, and 503 while shutting down', async () => {
    assert.equal((await fetch(`${svc.url}/ready`)).status, 200);
    svc.app.setReady(false);
    assert.equal((await fetch(`${svc.url}/ready`)).status, 503);
    svc.app.setReady(true);
  });

  it('every response carries the security headers', async () => {
    for (const path of ['/health', '/metrics', '/nope']) {
      const res = await fetch(`${svc.url}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        assert.equal(res.headers.get(name), value, `${name} on ${path}`);
      }
    }
  });

  it('GET /metrics exposes the request histogram with bounded routes and process metrics', async () => {
    await fetch(`${svc.url}/health`);
    await fetch(`${svc.url}/does-not-exist-${Date.now()}`);
    const res = await fetch(`${svc.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /# TYPE http_request_duration_seconds histogram/);
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0.005",service="test-service",method="GET",route="\/health",status="200"\}/,
    );
    assert.match(text, /route="unmatched",status="404"/);
    assert.doesNotMatch(text, /does-not-exist/);
    assert.match(text, /process_cpu_user_seconds_total/);
    assert.match(text, /nodejs_heap_size_used_bytes/);
  });

  it('validates request bodies and answers 4xx with a message', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${svc.url}/api/v1/echo`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      });
    const ok = await post(JSON.stringify({ message: 'hi' }));
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).message, 'hi');

    const invalid = await post(JSON.stringify({ message: '' }));
    assert.equal(invalid.status, 400);
    assert.equal((await invalid.json()).error, 'Invalid request body');

    const extra = await post(JSON.stringify({ message: 'x', admin: true }));
    assert.equal(extra.status, 400);
    assert.equal((await post('{not json')).status, 400);
    assert.equal((await post('x', 'text/plain')).status, 415);
    assert.equal(
      (await post(JSON.stringify({ message: 'x'.repeat(200_000) }))).status,
      413,
    );
    assert.equal((await fetch(`${svc.url}/api/v1/echo`)).status, 405);
    assert.equal((await fetch(`${svc.url}/nope`)).status, 404);
  });

  it('allows only the configured CORS origins', async () => {
    const allowed = await fetch(`${svc.url}/health`, {
      headers: { Origin: 'http://localhost:3000' },
    });
    assert.equal(
      allowed.headers.get('access-control-allow-origin'),
      'http://localhost:3000',
    );
    const denied = await fetch(`${svc.url}/health`, {
      headers: { Origin: 'https://evil.example' },
    });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
  });

  it('writes one JSON log line per request', async () => {
    await fetch(`${svc.url}/health`);
    const line = svc.logs
      .map(l => JSON.parse(l))
      .find(l => l.message === 'request' && l.route === '/health');
    assert.ok(line, 'a request log line');
    assert.equal(line.status, 200);
    assert.equal(typeof line.durationMs, 'number');
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After once the limit is reached, but never for probes', async () => {
    const svc = await startApp({
      RATE_LIMIT_MAX: '3',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await fetch(`${svc.url}/nope`)).status);
      }
      assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
      const limited = await fetch(`${svc.url}/api/v1/echo`);
      assert.equal(limited.status, 429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      assert.ok(
        retryAfter >= 1 && retryAfter <= 60,
        `Retry-After ${retryAfter}`,
      );
      assert.equal((await fetch(`${svc.url}/health`)).status, 200);
      assert.equal((await fetch(`${svc.url}/metrics`)).status, 200);
    } finally {
      await svc.close();
    }
  });
});

describe('fault injection (FAULT_RATE)', () => {
  it('faults API requests but never probes or metrics', async () => {
    const svc = await startApp({ FAULT_RATE: '1' });
    try {
      const res = await fetch(`${svc.url}/api/v1/echo`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'hi' }),
      });
      assert.equal(res.status, 503);
      assert.match((await res.json()).error, /Injected fault/);
      assert.equal((await fetch(`${svc.url}/health`)).status, 200);
      assert.equal((await fetch(`${svc.url}/ready`)).status, 200);
      assert.equal((await fetch(`${svc.url}/metrics`)).status, 200);
    } finally {
      await svc.close();
    }
  });
});

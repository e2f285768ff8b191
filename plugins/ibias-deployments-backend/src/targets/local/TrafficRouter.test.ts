import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrafficRouter } from './TrafficRouter';

// Real upstreams on loopback: one healthy, one that fails every other request.
async function upstream(fail: (n: number) => boolean) {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n += 1;
    res.statusCode = fail(n) ? 503 : 200;
    res.end('{}');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** A server that accepts connections and never answers (a hung release). */
async function hung(afterHeaders = false) {
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((_req, res) => {
    if (afterHeaders) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk, then nothing');
    }
    // never ends
  });
  server.on('connection', s => sockets.add(s));
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>(r => server.close(() => r()));
    },
  };
}

describe('TrafficRouter with a hung upstream', () => {
  it('answers 504 within the timeout and records an error', async () => {
    const upstreamServer = await hung();
    const router = new TrafficRouter({ upstreamTimeoutMs: 300 });
    const port = await router.listen();
    router.route([
      { version: '1.2.0', port: upstreamServer.port, weight: 100 },
    ]);
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/echo`, {
      signal: AbortSignal.timeout(5000),
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({
      error: 'Version 1.2.0 did not answer within 300 ms',
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    expect(router.metrics('1.2.0', 0)).toMatchObject({
      requests: 1,
      errors: 1,
    });
    await router.close();
    await upstreamServer.close();
  });

  it('cuts a body that stalls after the headers, and records an error', async () => {
    const upstreamServer = await hung(true);
    const router = new TrafficRouter({ upstreamTimeoutMs: 300 });
    const port = await router.listen();
    router.route([
      { version: '1.2.0', port: upstreamServer.port, weight: 100 },
    ]);
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(router.metrics('1.2.0', 0)).toMatchObject({
      requests: 1,
      errors: 1,
    });
    await router.close();
    await upstreamServer.close();
  });

  it('a healthy upstream next to a hung one keeps answering', async () => {
    const stuck = await hung();
    const fine = await upstream(() => false);
    const router = new TrafficRouter({ upstreamTimeoutMs: 200 });
    const port = await router.listen();
    router.route([
      { version: '1.1.0', port: fine.port, weight: 50 },
      { version: '1.2.0', port: stuck.port, weight: 50 },
    ]);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`http://127.0.0.1:${port}/`, {
          signal: AbortSignal.timeout(5000),
        }).then(async r => {
          await r.arrayBuffer();
          return `${r.headers.get('x-ibias-version') ?? '?'} ${r.status}`;
        }),
      ),
    );
    expect(new Set(statuses)).toEqual(new Set(['1.1.0 200', '? 504']));
    expect(router.metrics('1.1.0', 0).errors).toBe(0);
    expect(router.metrics('1.2.0', 0).errors).toBe(
      statuses.filter(x => x === '? 504').length,
    );
    await router.close();
    await stuck.close();
    await fine.close();
  });
});

describe('TrafficRouter', () => {
  it('splits by weight and records requests, errors and p95 per version', async () => {
    const stable = await upstream(() => false);
    const canary = await upstream(n => n % 2 === 0);
    const router = new TrafficRouter();
    const port = await router.listen();
    router.route([
      { version: '1.1.0', port: stable.port, weight: 75 },
      { version: '1.2.0', port: canary.port, weight: 25 },
    ]);
    const since = Date.now();
    const versions: string[] = [];
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/echo`);
      versions.push(res.headers.get('x-ibias-version') ?? '');
      await res.arrayBuffer();
    }
    const share = versions.filter(v => v === '1.2.0').length / 400;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.35);
    const m = router.metrics('1.2.0', since);
    expect(m.requests).toBe(versions.filter(v => v === '1.2.0').length);
    expect(m.errors).toBe(Math.floor(m.requests / 2));
    expect(m.p95Ms).toBeGreaterThan(0);
    expect(router.metrics('1.1.0', since).errors).toBe(0);
    expect(router.weights()).toEqual({ '1.1.0': 75, '1.2.0': 25 });
    await router.close();
    await stable.close();
    await canary.close();
  });

  it('answers 502 and counts an error when the version is gone; 503 with no route', async () => {
    const gone = await upstream(() => false);
    await gone.close();
    const router = new TrafficRouter();
    const port = await router.listen();
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(503);
    router.route([{ version: '1.0.0', port: gone.port, weight: 100 }]);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(502);
    expect(router.metrics('1.0.0', 0)).toMatchObject({
      requests: 1,
      errors: 1,
    });
    await router.close();
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bucketSamples, TrafficRouter } from './TrafficRouter';

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

describe('bucketSamples', () => {
  const range = { fromMs: 1000, toMs: 4000, stepMs: 1000 };
  it.each([
    // [case, samples (t, ms, error), requests per point, errors per point]
    ['nothing', [], [0, 0, 0, 0], [0, 0, 0, 0]],
    // A point covers (at − step, at]: t = 1000 is the first point's, 1001 the second's.
    [
      'step edges',
      [
        [1, 5, false],
        [1000, 5, false],
        [1001, 5, true],
        [2000, 5, false],
        [4000, 5, true],
      ],
      [2, 2, 0, 1],
      [0, 1, 0, 1],
    ],
    [
      'outside the range',
      [
        [0, 5, false],
        [4001, 5, true],
      ],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ],
  ] as Array<[string, Array<[number, number, boolean]>, number[], number[]]>)(
    '%s',
    (_case, samples, requests, errors) => {
      const out = bucketSamples(
        samples.map(([t, ms, error]) => ({ t, ms, error })),
        range,
      );
      expect(out.points.map(p => p.at)).toEqual([1000, 2000, 3000, 4000]);
      expect(out.points.map(p => p.requests)).toEqual(requests);
      expect(out.points.map(p => p.errors)).toEqual(errors);
      expect(out.total.requests).toBe(requests.reduce((a, b) => a + b, 0));
      expect(out.total.errors).toBe(errors.reduce((a, b) => a + b, 0));
    },
  );

  it('takes exact quantiles (nearest rank) of each step, null when idle', () => {
    const samples = Array.from({ length: 100 }, (_, i) => ({
      t: 1500,
      ms: i + 1,
      error: false,
    }));
    const { points, total } = bucketSamples(samples, range);
    expect(points[1]).toEqual({
      at: 2000,
      requests: 100,
      errors: 0,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
    });
    expect(points[0]).toMatchObject({ requests: 0, p95Ms: null });
    expect(total).toMatchObject({ at: 4000, p95Ms: 95 });
  });
});

describe('TrafficRouter history', () => {
  it('records user requests per version, leaves probes out, and lists idle routed versions', async () => {
    const good = await upstream(() => false);
    const bad = await upstream(n => n % 2 === 0);
    const router = new TrafficRouter();
    const port = await router.listen();
    try {
      router.route([{ version: '1.0.0', port: good.port, weight: 100 }]);
      const from = Date.now();
      for (let i = 0; i < 4; i += 1) {
        await (await fetch(`http://127.0.0.1:${port}/api/v1/echo`)).text();
      }
      await (await fetch(`http://127.0.0.1:${port}/health`)).text();
      await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      router.route([
        { version: '1.0.0', port: good.port, weight: 0 },
        { version: '1.1.0', port: bad.port, weight: 100 },
      ]);
      for (let i = 0; i < 4; i += 1) {
        await (await fetch(`http://127.0.0.1:${port}/api/v1/echo`)).text();
      }
      const to = Date.now() + 1000;
      const history = router.history({
        fromMs: from,
        toMs: to,
        stepMs: 60_000,
      });
      expect(history.coverageFromMs).toBeLessThanOrEqual(from);
      const byVersion = Object.fromEntries(
        history.versions.map(v => [v.version, v.total]),
      );
      // The probe and the scrape reached 1.0.0 but are not in its history.
      expect(byVersion['1.0.0']).toMatchObject({ requests: 4, errors: 0 });
      expect(byVersion['1.1.0']).toMatchObject({ requests: 4, errors: 2 });
      // The analysis still counts everything the version served.
      expect(router.metrics('1.0.0', from).requests).toBe(6);

      // A range before any request: only the routed version, idle.
      const before = router.history({
        fromMs: from - 120_000,
        toMs: from - 60_000,
        stepMs: 60_000,
      });
      expect(before.versions.map(v => [v.version, v.total.requests])).toEqual([
        ['1.1.0', 0],
      ]);
    } finally {
      await router.close();
      await good.close();
      await bad.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusMetrics } from './PrometheusMetrics';

const ref = {
  service: 'ibias-api',
  entityRef: 'component:default/ibias-api',
  environment: 'staging' as const,
};

/** A loopback Prometheus whose answer to /api/v1/query the test chooses. */
async function prometheus(answer: (query: string) => [number, unknown]) {
  const server = http.createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query') ?? '';
    const [status, body] = answer(query);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metrics: new PrometheusMetrics({ url, timeoutMs: 500 }),
    close: () => new Promise(r => server.close(r)),
  };
}
const vector = (v: number) => ({
  status: 'success',
  data: { result: [{ value: [0, String(v)] }] },
});

describe('PrometheusMetrics', () => {
  it('reads requests, errors and p95 of one version with PromQL', async () => {
    const p = await prometheus(q => {
      if (q.includes('histogram_quantile')) return [200, vector(180)];
      return [200, vector(q.includes('status=~"5..') ? 6 : 120)];
    });
    try {
      const m = await p.metrics.metrics(ref, '1.2.0', Date.now() - 5_000);
      expect(m).toMatchObject({
        requests: 120,
        errors: 6,
        p95Ms: 180,
        source: 'prometheus',
      });
      expect(m.detail).toBeUndefined();
    } finally {
      await p.close();
    }
  });

  it('a 5xx is an interval without data that says so (inconclusive, never promotes)', async () => {
    const p = await prometheus(() => [503, { status: 'error' }]);
    try {
      expect(
        await p.metrics.metrics(ref, '1.2.0', Date.now() - 5_000),
      ).toMatchObject({
        requests: 0,
        errors: 0,
        p95Ms: null,
        detail: 'Prometheus answered 503',
      });
    } finally {
      await p.close();
    }
  });

  it('a 4xx is a query Prometheus refuses: an error, not a quiet interval', async () => {
    const p = await prometheus(() => [
      400,
      { status: 'error', error: 'parse error' },
    ]);
    try {
      await expect(
        p.metrics.metrics(ref, '1.2.0', Date.now() - 5_000),
      ).rejects.toThrow(/^Prometheus answered 400 to /);
    } finally {
      await p.close();
    }
  });

  it('reports its readiness for the health endpoint', async () => {
    const p = await prometheus(() => [200, {}]);
    try {
      expect(await p.metrics.health()).toMatchObject({
        name: 'prometheus',
        status: 'ok',
      });
    } finally {
      await p.close();
    }
  });
});

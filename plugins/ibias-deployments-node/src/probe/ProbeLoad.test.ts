import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProbeLoad, ProbeRecords, type ProbeSample } from './ProbeLoad';

const sample = (
  durationMs: number,
  status: number | null = 200,
  at = 1_000,
): ProbeSample => ({ at, version: '1.0.0', status, durationMs });

describe('ProbeRecords', () => {
  it.each([
    { name: 'no samples', durations: [], p95: null },
    { name: 'one sample', durations: [42], p95: 42 },
    { name: 'two samples: the larger', durations: [10, 20], p95: 20 },
    {
      name: '20 samples: the 19th',
      durations: Array.from({ length: 20 }, (_, i) => i + 1),
      p95: 19,
    },
    {
      name: '100 samples unsorted: the 95th',
      durations: Array.from({ length: 100 }, (_, i) => 100 - i),
      p95: 95,
    },
    {
      name: '21 samples: rank ceil(19.95) = 20',
      durations: Array.from({ length: 21 }, (_, i) => (i + 1) * 10),
      p95: 200,
    },
    {
      name: 'one slow outlier in 40 does not move it',
      durations: [...Array(39).fill(50), 3_000],
      p95: 50,
    },
    {
      name: 'three slow in 40 do',
      durations: [...Array(37).fill(50), 3_000, 3_000, 3_000],
      p95: 3_000,
    },
    { name: 'fractional durations kept', durations: [1.25, 2.5], p95: 2.5 },
  ])('p95 of $name', ({ durations, p95 }) => {
    const records = new ProbeRecords();
    for (const d of durations) records.record('k', sample(d));
    expect(records.metrics('k', 0)).toEqual({
      requests: durations.length,
      errors: 0,
      p95Ms: p95,
    });
  });

  it.each([
    { status: 200, error: false },
    { status: 302, error: false },
    { status: 404, error: false },
    { status: 499, error: false },
    { status: 500, error: true },
    { status: 503, error: true },
    { status: null, error: true },
  ])('counts $status as an error: $error', ({ status, error }) => {
    const records = new ProbeRecords();
    records.record('k', sample(5, status));
    expect(records.metrics('k', 0).errors).toBe(error ? 1 : 0);
  });

  it('counts only what was answered since the interval began, per key', () => {
    const records = new ProbeRecords();
    records.record('k', sample(900, 500, 999));
    records.record('k', sample(10, 200, 1_000));
    records.record('k', sample(30, 503, 1_500));
    records.record('other', sample(5_000, null, 1_200));
    expect(records.metrics('k', 1_000)).toEqual({
      requests: 2,
      errors: 1,
      p95Ms: 30,
    });
    expect(records.metrics('missing', 0)).toEqual({
      requests: 0,
      errors: 0,
      p95Ms: null,
    });
  });

  it('keeps the newest samples of each key and the newest keys', () => {
    const records = new ProbeRecords({ perVersion: 3, maxVersions: 2 });
    for (let i = 1; i <= 5; i++) records.record('a', sample(i, 200, i));
    expect(
      records
        .samples('a', 0)
        .map(s => s.durationMs)
        .sort(),
    ).toEqual([3, 4, 5]);
    records.record('b', sample(1));
    records.record('a', sample(1));
    records.record('c', sample(1));
    expect(records.size).toBe(2);
    // b was written least recently: evicted.
    expect(records.metrics('b', 0).requests).toBe(0);
    expect(records.metrics('a', 0).requests).toBe(3);
    expect(records.metrics('c', 0).requests).toBe(1);
  });
});

describe('ProbeLoad', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ method?: string; url?: string; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body });
        if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 120);
        } else if (req.url === '/fail') {
          res.statusCode = 500;
          res.end('no');
        } else if (req.url === '/hang') {
          // never answers
        } else {
          res.end('ok');
        }
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  const target = (key = 'k') => ({ key, version: '1.0.0', url });

  it('times each answer, with its status, into the records', async () => {
    const records = new ProbeRecords();
    const load = new ProbeLoad({ records, requestTimeoutMs: 1_000 });
    const slow = await load.send(target(), {
      rps: 1,
      method: 'GET',
      path: '/slow',
    });
    expect(slow.status).toBe(200);
    expect(slow.durationMs).toBeGreaterThanOrEqual(100);
    const failed = await load.send(target(), {
      rps: 1,
      method: 'POST',
      path: '/fail',
      body: '{"a":1}',
    });
    expect(failed.status).toBe(500);
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/fail',
      body: '{"a":1}',
    });
    expect(records.metrics('k', 0)).toMatchObject({ requests: 2, errors: 1 });
  });

  it('records a request nothing answered in time as an error, timed to the timeout', async () => {
    const records = new ProbeRecords();
    const load = new ProbeLoad({ records, requestTimeoutMs: 100 });
    const hung = await load.send(target(), {
      rps: 1,
      method: 'GET',
      path: '/hang',
    });
    expect(hung.status).toBeNull();
    expect(hung.durationMs).toBeGreaterThanOrEqual(90);
    const refused = await load.send(
      { key: 'k', version: '1.0.0', url: 'http://127.0.0.1:1' },
      { rps: 1, method: 'GET', path: '/' },
    );
    expect(refused.status).toBeNull();
    expect(records.metrics('k', 0)).toMatchObject({ requests: 2, errors: 2 });
  });

  it('sends at the rate until stopped, to every target', async () => {
    const records = new ProbeRecords();
    const load = new ProbeLoad({ records });
    load.start('svc', [target('a'), target('b')], {
      rps: 50,
      method: 'GET',
      path: '/',
    });
    expect(load.running('svc')).toBe(true);
    await new Promise(r => setTimeout(r, 300));
    load.stop('svc');
    expect(load.running('svc')).toBe(false);
    await new Promise(r => setTimeout(r, 50));
    const a = records.metrics('a', 0).requests;
    expect(a).toBeGreaterThanOrEqual(5);
    expect(a).toBeLessThanOrEqual(16);
    expect(records.metrics('b', 0).requests).toBeGreaterThanOrEqual(5);
    await new Promise(r => setTimeout(r, 100));
    expect(records.metrics('a', 0).requests).toBe(a);
  });

  it('sends nothing at 0 rps', async () => {
    const records = new ProbeRecords();
    const load = new ProbeLoad({ records });
    load.start('svc', [target()], { rps: 0, method: 'GET', path: '/' });
    expect(load.running('svc')).toBe(false);
  });
});

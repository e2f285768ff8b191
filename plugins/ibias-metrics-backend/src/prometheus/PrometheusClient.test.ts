import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  parsePrometheusValue,
  PrometheusClient,
  PrometheusQueryError,
} from './PrometheusClient';

// A stand-in for Prometheus's HTTP API that records what it was sent; the real one is
// asked in src/signals/GoldenSignals.prometheus.test.ts.
interface Received {
  method?: string;
  path?: string;
  authorization?: string;
  form: URLSearchParams;
}

type Answer = (received: Received) => {
  status?: number;
  body?: unknown;
  raw?: string;
  /** Never answer (a Prometheus that hangs). */
  hang?: boolean;
};

async function fakePrometheus(answer: Answer) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const r: Received = {
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        form: new URLSearchParams(body),
      };
      received.push(r);
      const a = answer(r);
      if (a.hang) return;
      res.statusCode = a.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(a.raw ?? JSON.stringify(a.body));
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const success = (resultType: string, result: unknown) => ({
  body: { status: 'success', data: { resultType, result } },
});

describe('parsePrometheusValue', () => {
  it.each([
    ['1.5', 1.5],
    ['0', 0],
    ['-2e-3', -0.002],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['NaN', NaN],
  ])('reads %s as %d', (text, value) => {
    expect(parsePrometheusValue(text)).toBe(value);
  });
});

describe('PrometheusClient', () => {
  let fake: Awaited<ReturnType<typeof fakePrometheus>> | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('runs an instant query and reads its vector, NaN and +Inf included', async () => {
    fake = await fakePrometheus(() =>
      success('vector', [
        { metric: { version: '1.1.0' }, value: [1765101600.5, '0.25'] },
        { metric: { version: '1.0.0' }, value: [1765101600.5, 'NaN'] },
        { metric: {}, value: [1765101600.5, '+Inf'] },
      ]),
    );
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}`,
    });
    const at = new Date('2026-12-07T10:00:00.500Z');
    const samples = await client.query('sum by (version) (up)', at);
    expect(samples).toEqual([
      { labels: { version: '1.1.0' }, value: 0.25 },
      { labels: { version: '1.0.0' }, value: NaN },
      { labels: {}, value: Infinity },
    ]);
    const [sent] = fake.received;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/api/v1/query');
    expect(sent.form.get('query')).toBe('sum by (version) (up)');
    expect(sent.form.get('time')).toBe(String(at.getTime() / 1000));
    expect(sent.authorization).toBeUndefined();
  });

  it('reads a scalar answer as one sample without labels', async () => {
    fake = await fakePrometheus(() => success('scalar', [1765101600, '42']));
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}`,
    });
    expect(await client.query('42', new Date())).toEqual([
      { labels: {}, value: 42 },
    ]);
  });

  it('runs a range query under a path prefix (Mimir) and reads its matrix', async () => {
    fake = await fakePrometheus(() =>
      success('matrix', [
        {
          metric: { ibias_environment: 'staging' },
          values: [
            [1765101600, '1'],
            [1765101615, '2.5'],
          ],
        },
      ]),
    );
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}/prometheus/`,
    });
    const series = await client.queryRange('rate(x[1m])', {
      start: new Date(1765101600_000),
      end: new Date(1765101615_000),
      stepSeconds: 15,
    });
    expect(series).toEqual([
      {
        labels: { ibias_environment: 'staging' },
        points: [
          { at: 1765101600_000, value: 1 },
          { at: 1765101615_000, value: 2.5 },
        ],
      },
    ]);
    const [sent] = fake.received;
    expect(sent.path).toBe('/prometheus/api/v1/query_range');
    expect(Object.fromEntries(sent.form)).toEqual({
      query: 'rate(x[1m])',
      start: '1765101600',
      end: '1765101615',
      step: '15',
    });
  });

  it('sends credentials in the URL as basic auth, and never shows them', async () => {
    fake = await fakePrometheus(() => ({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'parse error: unexpected end of input',
      },
    }));
    const client = new PrometheusClient({
      url: `http://reader:s3cr%40t@127.0.0.1:${fake.port}`,
    });
    const failure = await client.query('sum(', new Date()).catch(e => e);
    expect(fake.received[0].authorization).toBe(
      `Basic ${Buffer.from('reader:s3cr@t').toString('base64')}`,
    );
    expect(failure).toBeInstanceOf(PrometheusQueryError);
    expect(failure.message).toBe(
      `Prometheus at 127.0.0.1:${fake.port}/api/v1/query answered 400 (bad_data: parse error: unexpected end of input)`,
    );
    expect(JSON.stringify(failure)).not.toMatch(/s3cr|reader/);
    expect(String(failure.stack)).not.toMatch(/s3cr|reader/);
  });

  it('says credentials were refused on a 401 or 403', async () => {
    fake = await fakePrometheus(() => ({ status: 401, raw: 'no' }));
    const client = new PrometheusClient({
      url: `http://u:p@127.0.0.1:${fake.port}`,
    });
    await expect(client.query('up', new Date())).rejects.toThrow(
      /refused the portal \(401\): check the credentials/,
    );
  });

  it('is unavailable when Prometheus answers 5xx or 429', async () => {
    fake = await fakePrometheus(() => ({
      status: 503,
      raw: 'Service Unavailable',
    }));
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}`,
    });
    const failure = await client.query('up', new Date()).catch(e => e);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure.message).toBe(
      `Prometheus at 127.0.0.1:${fake.port}/api/v1/query answered 503 (Service Unavailable)`,
    );
  });

  it('gives up after its timeout', async () => {
    fake = await fakePrometheus(() => ({ hang: true }));
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}`,
      timeoutMs: 200,
    });
    const started = Date.now();
    const failure = await client
      .queryRange('up', {
        start: new Date(0),
        end: new Date(15_000),
        stepSeconds: 15,
      })
      .catch(e => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure.message).toBe(
      `Prometheus at 127.0.0.1:${fake.port}/api/v1/query_range did not answer within 0.2 s`,
    );
  });

  it('is unavailable, naming the host, when nothing listens', async () => {
    fake = await fakePrometheus(() => success('vector', []));
    const { port } = fake;
    await fake.close();
    fake = undefined;
    const client = new PrometheusClient({
      url: `http://admin:hunter2@127.0.0.1:${port}`,
    });
    const failure = await client.query('up', new Date()).catch(e => e);
    expect(failure).toBeInstanceOf(ServiceUnavailableError);
    expect(failure.message).toMatch(
      new RegExp(
        `^Prometheus at 127\\.0\\.0\\.1:${port}/api/v1/query is unreachable \\(.*ECONNREFUSED`,
      ),
    );
    expect(failure.message).not.toMatch(/hunter2|admin/);
  });

  it('refuses an answer of the wrong type or not JSON', async () => {
    fake = await fakePrometheus(r =>
      r.path === '/api/v1/query'
        ? success('matrix', [])
        : { raw: '<html>proxy login</html>' },
    );
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${fake.port}`,
    });
    await expect(client.query('up[1m]', new Date())).rejects.toThrow(
      'answered a matrix where a vector was expected',
    );
    await expect(
      client.queryRange('up', {
        start: new Date(0),
        end: new Date(1),
        stepSeconds: 1,
      }),
    ).rejects.toThrow(PrometheusQueryError);
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://127.0.0.1:9090', /must be an http or https URL, not ftp:/],
  ])('refuses the URL %s, without repeating it', (url, message) => {
    expect(() => new PrometheusClient({ url })).toThrow(InputError);
    expect(() => new PrometheusClient({ url })).toThrow(message);
  });

  it('does not repeat a URL it cannot read, which may hold a password', () => {
    const failure = (() => {
      try {
        return new PrometheusClient({ url: 'http://u:hunter2@[bad' });
      } catch (e) {
        return e;
      }
    })();
    expect(String(failure)).not.toContain('hunter2');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import {
  recentPeriods,
  type KpiDefinition,
  type Period,
} from '@internal/plugin-ibias-metrics-common';
import { PrometheusClient } from '../prometheus/PrometheusClient';
import { PrometheusKpiSource, promqlForPeriod } from './PrometheusKpiSource';

jest.setTimeout(60_000);

/** January to March are whole months; April is partial, measured up to NOW. */
const NOW = new Date('2026-04-10T12:00:00Z');
const MONTHS = recentPeriods('month', 4, NOW);
const DAY = 86_400;

function promKpi(query: string): KpiDefinition {
  return {
    id: 'active_users',
    title: 'Active users',
    unit: 'count',
    direction: 'up',
    freshness: '1d',
    owner: 'group:default/platform-team',
    source: { type: 'prometheus', query },
    financial: false,
  };
}

interface Received {
  path?: string;
  authorization?: string;
  query: string;
  time: number;
}

/**
 * A loopback stand-in for Prometheus's /api/v1/query: it records each query and answers
 * what `answer` makes of it, as Prometheus writes it (values as strings).
 */
async function fakePrometheus(
  answer: (r: Received) => { status?: number; body: unknown },
) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const r: Received = {
        path: req.url,
        authorization: req.headers.authorization,
        query: form.get('query') ?? '',
        time: Number(form.get('time')),
      };
      received.push(r);
      const a = answer(r);
      res.statusCode = a.status ?? 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const vector = (...samples: Array<[Record<string, string>, string]>) => ({
  body: {
    status: 'success',
    data: {
      resultType: 'vector',
      result: samples.map(([metric, value]) => ({
        metric,
        value: [NOW.getTime() / 1000, value],
      })),
    },
  },
});

describe('promqlForPeriod', () => {
  it.each([
    ['a whole January', MONTHS[0], 31 * DAY, '2026-02-01T00:00:00.000Z'],
    ['a whole February', MONTHS[1], 28 * DAY, '2026-03-01T00:00:00.000Z'],
    ['April up to NOW', MONTHS[3], 9.5 * DAY, '2026-04-10T12:00:00.000Z'],
    ['a day', recentPeriods('day', 2, NOW)[0], DAY, '2026-04-10T00:00:00.000Z'],
  ])('measures %s', (_what, period, seconds, at) => {
    const out = promqlForPeriod(
      'avg_over_time(up[$__range]) * $__range_s / $__range',
      period,
    );
    expect(out).toEqual({
      promql: `avg_over_time(up[${seconds}s]) * $__range_s / ${seconds}s`,
      at: new Date(at),
      rangeSeconds: seconds,
    });
  });
});

describe('PrometheusKpiSource against a fake Prometheus', () => {
  const servers: Array<{ close: () => Promise<void> }> = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  async function sourceAnswering(
    answer: (r: Received) => { status?: number; body: unknown },
    url?: (base: string) => string,
  ) {
    const fake = await fakePrometheus(answer);
    servers.push(fake);
    const logger = mockServices.logger.mock();
    const source = new PrometheusKpiSource({
      prometheus: new PrometheusClient({
        url: url ? url(fake.url) : fake.url,
        timeoutMs: 2000,
      }),
      logger,
    });
    return { source, received: fake.received, logger };
  }

  it('asks one instant query per period at its measured end, with its measured range', async () => {
    // The fake answers the number of days the range spans: each period's own length.
    const { source, received } = await sourceAnswering(r => {
      const seconds = Number(/\[(\d+)s\]/.exec(r.query)?.[1]);
      return vector([{}, String(seconds / DAY)]);
    });
    const values = await source.values(
      promKpi('max_over_time(ibias_active_users[$__range])'),
      MONTHS,
    );
    expect(values.map(v => v.value)).toEqual([31, 28, 31, 9.5]);
    expect(values[3]).toEqual({
      value: 9.5,
      formula: `max_over_time(ibias_active_users[${9.5 * DAY}s])`,
      inputs: { rangeSeconds: 9.5 * DAY },
    });
    expect(
      received
        .map(r => `${r.path} ${new Date(r.time * 1000).toISOString()}`)
        .sort(),
    ).toEqual([
      '/api/v1/query 2026-02-01T00:00:00.000Z',
      '/api/v1/query 2026-03-01T00:00:00.000Z',
      '/api/v1/query 2026-04-01T00:00:00.000Z',
      '/api/v1/query 2026-04-10T12:00:00.000Z',
    ]);
  });

  it('gives gaps, never 0, for no data, several series, NaN and infinity', async () => {
    const answers: Record<string, ReturnType<typeof vector>> = {
      '2026-02-01T00:00:00.000Z': vector(),
      '2026-03-01T00:00:00.000Z': vector(
        [{ instance: 'a' }, '0.99'],
        [{ instance: 'b' }, '0.98'],
        [{ instance: 'c' }, '0.97'],
      ),
      '2026-04-01T00:00:00.000Z': vector([{}, 'NaN']),
      '2026-04-10T12:00:00.000Z': vector([{}, '+Inf']),
    };
    const { source } = await sourceAnswering(
      r => answers[new Date(r.time * 1000).toISOString()],
    );
    const values = await source.values(promKpi('up'), MONTHS);
    expect(values.map(v => [v.value, v.reason])).toEqual([
      [null, 'no data'],
      [
        null,
        'the query returns 3 series; aggregate it to one (sum, avg, max … by nothing)',
      ],
      [null, 'the value is NaN (a division of 0 by 0?)'],
      [null, 'the value is infinite'],
    ]);
  });

  it('reads a scalar, and 0 as 0', async () => {
    const { source } = await sourceAnswering(r => ({
      body: {
        status: 'success',
        data: {
          resultType: 'scalar',
          result: [
            r.time,
            r.time < Date.parse('2026-03-02') / 1000 ? '0' : '2',
          ],
        },
      },
    }));
    const values = await source.values(promKpi('scalar(up)'), MONTHS);
    expect(values.map(v => v.value)).toEqual([0, 0, 2, 2]);
  });

  it('gives a gap for a period that has only just begun, without asking', async () => {
    const { source, received } = await sourceAnswering(() => vector([{}, '1']));
    const begun: Period = {
      kind: 'month',
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-05-01T00:00:00.000Z',
      asOf: '2026-04-01T00:00:00.000Z',
    };
    const [value] = await source.values(promKpi('up'), [begun]);
    expect(value.reason).toBe('the period has only just begun');
    expect(received).toHaveLength(0);
  });

  it('gives Prometheus’s refusal as the reason, and logs it once', async () => {
    const { source, logger } = await sourceAnswering(() => ({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "query": 1:5: parse error: unexpected "]"',
      },
    }));
    const values = await source.values(promKpi('up[]'), MONTHS);
    expect(values.every(v => v.value === null)).toBe(true);
    expect(values[0].reason).toMatch(
      /^Prometheus at 127\.0\.0\.1:\d+\/api\/v1\/query answered 400 \(bad_data: invalid parameter "query": 1:5: parse error/,
    );
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });

  it('never repeats the credentials of the URL', async () => {
    const { source, received } = await sourceAnswering(
      () => ({ status: 503, body: { status: 'error', error: 'overloaded' } }),
      base => base.replace('http://', 'http://kpi:Pr0m-Secret@'),
    );
    const values = await source.values(promKpi('up'), MONTHS);
    expect(received[0].authorization).toBe(
      `Basic ${Buffer.from('kpi:Pr0m-Secret').toString('base64')}`,
    );
    for (const v of values) {
      expect(v.value).toBeNull();
      expect(v.reason).toMatch(/answered 503/);
      expect(v.reason).not.toContain('Pr0m-Secret');
    }
  });

  it('gives gaps when Prometheus is unreachable', async () => {
    const source = new PrometheusKpiSource({
      prometheus: new PrometheusClient({
        url: 'http://127.0.0.1:1',
        timeoutMs: 2000,
      }),
    });
    const values = await source.values(promKpi('up'), MONTHS);
    expect(values.map(v => v.value)).toEqual([null, null, null, null]);
    expect(values[0].reason).toMatch(
      /^Prometheus at 127\.0\.0\.1:1\/api\/v1\/query is unreachable/,
    );
  });
});

// The real thing, when Debian's Prometheus is installed (.ci/run and scripts/provision.sh
// install it): synthetic series need no scrape, so it answers at once.
const prometheusBin = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'].find(
  p => fs.existsSync(p),
);
const mayGoWithout =
  !process.env.CI && process.env.IBIAS_ALLOW_NO_PROMETHEUS === '1';

describe('PrometheusKpiSource against a real Prometheus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-prom-kpi-'));
  let prometheus: ChildProcess | undefined;

  afterAll(() => {
    prometheus?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('evaluates at each period’s measured end over its measured range', async () => {
    if (!prometheusBin) {
      if (mayGoWithout) {
        // eslint-disable-next-line no-console
        console.warn(
          'prometheus is not installed: PrometheusKpiSource was NOT checked against Prometheus (IBIAS_ALLOW_NO_PROMETHEUS=1)',
        );
        return;
      }
      throw new Error(
        'prometheus is not installed: apt-get install prometheus (scripts/provision.sh does), or set IBIAS_ALLOW_NO_PROMETHEUS=1 outside CI',
      );
    }
    const configFile = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(configFile, 'scrape_configs: []\n');
    const probe = http.createServer();
    await new Promise<void>(r => probe.listen(0, '127.0.0.1', () => r()));
    const { port } = probe.address() as AddressInfo;
    await new Promise(r => probe.close(r));
    prometheus = spawn(
      prometheusBin,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    const url = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 120 && !ready; i++) {
      await new Promise(r => setTimeout(r, 250));
      ready = await fetch(`${url}/-/ready`).then(
        r => r.ok,
        () => false,
      );
    }
    expect(ready).toBe(true);
    const source = new PrometheusKpiSource({
      prometheus: new PrometheusClient({ url }),
    });

    // time() is the evaluation instant.
    const times = await source.values(promKpi('time()'), MONTHS);
    expect(times.map(v => new Date(v.value! * 1000).toISOString())).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
      '2026-04-10T12:00:00.000Z',
    ]);
    // An hourly subquery over $__range counts the period's hours (one more where the
    // range is closed at both ends, as Prometheus 2 has it).
    const hours = await source.values(
      promKpi('sum(count_over_time(vector(1)[$__range:1h]))'),
      MONTHS,
    );
    const counted = hours.map(v => v.value);
    const expected = [31 * 24, 28 * 24, 31 * 24, 9.5 * 24];
    expect([expected, expected.map(n => n + 1)]).toContainEqual(counted);
    const empty = await source.values(promKpi('vector(1) > 2'), MONTHS);
    expect(empty[0].reason).toBe('no data');
    const two = await source.values(
      promKpi(
        'label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")',
      ),
      MONTHS,
    );
    expect(two[0].reason).toBe(
      'the query returns 2 series; aggregate it to one (sum, avg, max … by nothing)',
    );
    const invalid = await source.values(promKpi('rate(up[$__range'), MONTHS);
    expect(invalid[0].value).toBeNull();
    expect(invalid[0].reason).toMatch(/answered 400 \(bad_data: .*parse error/);
  });
});

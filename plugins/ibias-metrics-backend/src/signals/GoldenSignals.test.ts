import { mockCredentials } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { createRequestValidation } from '@internal/ibias-backend-openapi';
import type { components } from '@internal/plugin-ibias-metrics-common';
import type {
  PrometheusQueryApi,
  PrometheusSample,
  PrometheusSeries,
} from '../prometheus/PrometheusClient';
import { spec } from '../schema/openapi.generated';
import {
  GoldenSignals,
  type DeployMarkerSource,
  type GoldenSignalSeries,
} from './GoldenSignals';
import {
  goldenSignalQueries,
  queryWindow,
  serviceTarget,
  type GoldenSignalQueries,
} from './signalQueries';

const validation = createRequestValidation<components['schemas']>(spec);

// 15 minutes ending 10:07:30 (the step boundary before now): 61 points, 15 s apart.
const NOW = new Date('2026-12-07T10:07:41Z');
const WINDOW = queryWindow('15m', NOW);
const GRID = Array.from(
  { length: 61 },
  (_, i) => WINDOW.start.getTime() + i * 15_000,
);
const HTTP_BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5'];
const HTTP_BOUNDS_ALL = [...HTTP_BOUNDS, '1', '2.5', '5', '10', '+Inf'];

type QueryName = keyof GoldenSignalQueries;
type Labels = { ibias_environment: string; version: string };

const staging110 = { ibias_environment: 'staging', version: '1.1.0' };
const staging100 = { ibias_environment: 'staging', version: '1.0.0' };
const production120 = { ibias_environment: 'production', version: '1.2.0' };
const development200 = { ibias_environment: 'development', version: '2.0.0' };

/** A series with `value` at the grid's points from `from` on. */
const series = (labels: Labels, value: number, from = 0): PrometheusSeries => ({
  labels,
  points: GRID.slice(from).map(at => ({ at, value })),
});
const sample = (labels: Labels & { le?: string }, value: number) => ({
  labels,
  value,
});
const buckets = (labels: Labels, les: string[]) =>
  les.map(le => sample({ ...labels, le }, 1));

/** Prometheus as the fixtures say, by which of the service's queries is asked. */
class FakePrometheus implements PrometheusQueryApi {
  readonly asked: string[] = [];
  readonly instantTimes: Date[] = [];
  readonly rangeWindows: Array<{
    start: Date;
    end: Date;
    stepSeconds: number;
  }> = [];
  constructor(
    private readonly queries: GoldenSignalQueries,
    private readonly ranges: Partial<Record<QueryName, PrometheusSeries[]>>,
    private readonly instants: Partial<Record<QueryName, PrometheusSample[]>>,
  ) {}

  private nameOf(promql: string): QueryName {
    const entry = Object.entries(this.queries).find(([, q]) => q === promql);
    if (!entry) throw new Error(`unexpected query ${promql}`);
    this.asked.push(entry[0]);
    return entry[0] as QueryName;
  }

  async query(promql: string, at: Date) {
    this.instantTimes.push(at);
    return this.instants[this.nameOf(promql)] ?? [];
  }

  async queryRange(
    promql: string,
    range: { start: Date; end: Date; stepSeconds: number },
  ) {
    this.rangeWindows.push(range);
    return this.ranges[this.nameOf(promql)] ?? [];
  }
}

function fixture(environment?: string) {
  const queries = goldenSignalQueries(
    serviceTarget('component:default/ibias-api', environment),
    WINDOW.windowSeconds,
    WINDOW.rangeSeconds,
  );
  const prometheus = new FakePrometheus(
    queries,
    {
      // staging 1.0.0 is scraped and idle (no request series at all); production
      // 1.2.0 came up for the last 10 points; development 2.0.0 has no `up` (remote
      // write), only its request series.
      scraped: [
        series(staging110, 1),
        series(staging100, 1),
        series(production120, 1, 51),
      ],
      requestRate: [
        series(staging110, 2),
        series(production120, 4, 51),
        series(development200, 1),
      ],
      errorRate: [
        series(staging110, 0.1),
        series(production120, 0, 51),
        series(development200, 0),
      ],
      p50: [series(staging110, 0.04), series(production120, 0.02, 51)],
      // At the largest finite bound (10 s): the quantile fell in +Inf.
      p95: [series(staging110, 10), series(production120, 0.3, 51)],
      p99: [series(staging110, 10), series(production120, 0.45, 51)],
      aiRequestRate: [series(production120, 0.5, 51)],
      aiLatencyP95: [series(production120, 1.2, 51)],
      aiSuccessRate: [series(production120, 0.9, 51)],
    },
    {
      buckets: [
        ...buckets(staging110, HTTP_BOUNDS_ALL),
        ...buckets(staging100, HTTP_BOUNDS_ALL),
        ...buckets(production120, [...HTTP_BOUNDS, '+Inf']),
      ],
      aiBuckets: buckets(production120, ['1', '2', '4', '30', '+Inf']),
      totalRequests: [
        sample(staging110, 1800.4),
        sample(production120, 600),
        sample(development200, 900),
      ],
      totalErrorRate: [
        sample(staging110, 0.1),
        sample(production120, 0),
        sample(development200, 0),
      ],
      totalP50: [sample(staging110, 0.04), sample(production120, 0.02)],
      totalP95: [sample(staging110, 10), sample(production120, 0.5)],
      totalP99: [sample(staging110, 10), sample(production120, 0.5)],
      totalAiRequests: [sample(production120, 75)],
      totalAiLatencyP95: [sample(production120, 1.25)],
      totalAiSuccessRate: [sample(production120, 0.88)],
    },
  );
  return { queries, prometheus };
}

const credentials = mockCredentials.user('user:default/mona');

async function read(
  options: { environment?: string; markers?: DeployMarkerSource } = {},
) {
  const { prometheus, queries } = fixture(options.environment);
  const signals = new GoldenSignals({
    prometheus,
    markers: options.markers,
    now: () => NOW,
  });
  const report = await signals.read({
    entityRef: 'component:default/ibias-api',
    environment: options.environment,
    range: '15m',
    credentials,
  });
  return { report, prometheus, queries };
}

const bySeries = (all: GoldenSignalSeries[], labels: Labels) => {
  const found = all.find(
    s =>
      s.environment === labels.ibias_environment &&
      s.version === labels.version,
  );
  if (!found) throw new Error(`no series ${JSON.stringify(labels)}`);
  return found;
};
const values = (points: Array<{ value: number | null }>) =>
  new Set(points.map(p => p.value));
const reasons = (points: Array<{ reason?: string }>) =>
  new Set(points.map(p => p.reason));

describe('GoldenSignals', () => {
  it('answers in the shape the OpenAPI document declares', async () => {
    const { report } = await read();
    expect(
      validation.problemsWith('GoldenSignals', report, 'response'),
    ).toBeUndefined();
    // (The check can fail: a point without its time does not pass.)
    const [first] = report.series;
    const broken = {
      ...report,
      series: [{ ...first, requestRate: [{ value: 1 }] }],
    };
    expect(
      validation.problemsWith('GoldenSignals', broken, 'response'),
    ).toMatch(/at/);
  });

  it('draws every series on the same grid, from start to end, 15 s apart', async () => {
    const { report } = await read();
    expect(report).toMatchObject({
      configured: true,
      entityRef: 'component:default/ibias-api',
      service: 'ibias-api',
      range: '15m',
      start: '2026-12-07T09:52:30.000Z',
      end: '2026-12-07T10:07:30.000Z',
      stepSeconds: 15,
      windowSeconds: 60,
    });
    for (const s of report.series) {
      for (const points of [
        s.requestRate,
        s.errorRate,
        s.latency.p50,
        s.latency.p95,
        s.latency.p99,
      ]) {
        expect(points.map(p => Date.parse(p.at))).toEqual(GRID);
      }
    }
  });

  it('orders environments by promotion, newest version first', async () => {
    const { report } = await read();
    expect(report.series.map(s => `${s.environment} ${s.version}`)).toEqual([
      'development 2.0.0',
      'staging 1.1.0',
      'staging 1.0.0',
      'production 1.2.0',
    ]);
  });

  it('reads rates, error rates and quantiles, and flags the top bucket', async () => {
    const { report } = await read();
    const s = bySeries(report.series, staging110);
    expect(values(s.requestRate)).toEqual(new Set([2]));
    expect(values(s.errorRate)).toEqual(new Set([0.1]));
    expect(s.largestBucketSeconds).toBe(10);
    expect(s.latency.p50.every(p => p.value === 0.04 && !p.topBucket)).toBe(
      true,
    );
    expect(s.latency.p95.every(p => p.value === 10 && p.topBucket)).toBe(true);
    expect(s.summary).toEqual({
      requests: 1800,
      errorRate: { value: 0.1 },
      p50: { value: 0.04, topBucket: false },
      p95: { value: 10, topBucket: true },
      p99: { value: 10, topBucket: true },
    });
    expect(s.ai).toBeNull();
  });

  it('says "no traffic" for an idle version, never 0 %', async () => {
    const { report } = await read();
    const idle = bySeries(report.series, staging100);
    expect(values(idle.requestRate)).toEqual(new Set([0]));
    for (const points of [idle.errorRate, idle.latency.p95]) {
      expect(values(points)).toEqual(new Set([null]));
      expect(reasons(points)).toEqual(new Set(['no traffic']));
    }
    expect(idle.summary).toEqual({
      requests: 0,
      errorRate: { value: null, reason: 'no traffic' },
      p50: { value: null, reason: 'no traffic' },
      p95: { value: null, reason: 'no traffic' },
      p99: { value: null, reason: 'no traffic' },
    });
  });

  it('says "no data" where nothing was scraped, and reads the rest', async () => {
    const { report } = await read();
    const late = bySeries(report.series, production120);
    const before = late.requestRate.slice(0, 51);
    expect(values(before)).toEqual(new Set([null]));
    expect(reasons(before)).toEqual(new Set(['no data']));
    expect(reasons(late.errorRate.slice(0, 51))).toEqual(new Set(['no data']));
    expect(values(late.requestRate.slice(51))).toEqual(new Set([4]));
    // Traffic and no 5xx: 0, which is a real 0 %.
    expect(values(late.errorRate.slice(51))).toEqual(new Set([0]));
    expect(late.largestBucketSeconds).toBe(0.5);
    expect(late.summary.p95).toEqual({ value: 0.5, topBucket: true });
  });

  it('reads the AI signals of a service that exports them', async () => {
    const { report } = await read();
    const { ai } = bySeries(report.series, production120);
    expect(ai).not.toBeNull();
    expect(values(ai!.requestRate.slice(51))).toEqual(new Set([0.5]));
    expect(values(ai!.latencyP95.slice(51))).toEqual(new Set([1.2]));
    expect(ai!.latencyP95[60].topBucket).toBe(false);
    expect(values(ai!.successRate.slice(51))).toEqual(new Set([0.9]));
    expect(reasons(ai!.successRate.slice(0, 51))).toEqual(new Set(['no data']));
    expect(ai!.largestBucketSeconds).toBe(30);
    expect(ai!.summary).toEqual({
      requests: 75,
      latencyP95: { value: 1.25, topBucket: false },
      successRate: { value: 0.88 },
    });
  });

  it('keeps series without `up` (remote write): no data where no rate', async () => {
    const { report } = await read();
    const remote = bySeries(report.series, development200);
    expect(values(remote.requestRate)).toEqual(new Set([1]));
    expect(remote.summary.requests).toBe(900);
    expect(remote.summary.errorRate).toEqual({ value: 0 });
    // Traffic, but no latency series: unknown, not "no traffic".
    expect(reasons(remote.latency.p95)).toEqual(new Set(['no data']));
    expect(remote.largestBucketSeconds).toBeNull();
  });

  it('asks every query once, with the environment when one is given', async () => {
    const { prometheus, queries, report } = await read({
      environment: 'staging',
    });
    expect([...prometheus.asked].sort()).toEqual(Object.keys(queries).sort());
    // Ranges over the window, 15 s apart; summaries at its end.
    expect(
      new Set(prometheus.rangeWindows.map(w => JSON.stringify(w))),
    ).toEqual(
      new Set([
        JSON.stringify({
          start: WINDOW.start,
          end: WINDOW.end,
          stepSeconds: 15,
        }),
      ]),
    );
    expect(new Set(prometheus.instantTimes.map(t => t.toISOString()))).toEqual(
      new Set([WINDOW.end.toISOString()]),
    );
    expect(queries.requestRate).toContain('ibias_environment="staging"');
    expect(report.environment).toBe('staging');
    expect(report.queries).toEqual(queries);
  });

  it('draws the deployments of the range, read as the caller', async () => {
    const marker = {
      at: '2026-12-07T10:00:00.000Z',
      environment: 'production',
      version: '1.2.0',
      status: 'succeeded',
      deploymentId: 'd-1',
      label: '1.2.0 (succeeded)',
    };
    const markers = { markers: jest.fn(async () => [marker]) };
    const { report } = await read({ environment: 'production', markers });
    expect(report.markers).toEqual([marker]);
    expect(markers.markers).toHaveBeenCalledWith({
      credentials,
      entityRef: 'component:default/ibias-api',
      environment: 'production',
      from: WINDOW.start,
      to: WINDOW.end,
    });
  });

  it('fails as Prometheus fails (503 when it does not answer)', async () => {
    const down: PrometheusQueryApi = {
      query: async () => {
        throw new ServiceUnavailableError('Prometheus at x is unreachable');
      },
      queryRange: async () => [],
    };
    const signals = new GoldenSignals({ prometheus: down, now: () => NOW });
    await expect(
      signals.read({
        entityRef: 'component:default/ibias-api',
        range: '1h',
        credentials,
      }),
    ).rejects.toThrow(ServiceUnavailableError);
  });
});

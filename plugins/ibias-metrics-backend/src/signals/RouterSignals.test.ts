import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { DeploymentsApi } from '@internal/plugin-ibias-deployments-node';
import { RouterSignals } from './RouterSignals';

const credentials = mockCredentials.user('user:default/wes.web');
// 15m is read in 15 s steps; the window ends on the step in progress (10:00:00–10:00:15),
// so what the router forwarded a moment ago is counted.
const now = new Date('2026-12-07T10:00:07Z');
const end = Date.parse('2026-12-07T10:00:15Z');
const start = end - 15 * 60_000;

const point = (i: number, requests: number, errors = 0, p95Ms = 120) => ({
  at: new Date(start + i * 15_000).toISOString(),
  requests,
  errors,
  p50Ms: requests ? 40 : null,
  p95Ms: requests ? p95Ms : null,
  p99Ms: requests ? p95Ms * 2 : null,
});

/** 61 points: idle for 20, 30 busy, the rest idle; 1 in 10 failing. */
const points = Array.from({ length: 61 }, (_, i) =>
  i >= 20 && i < 50 ? point(i, 30, 3) : point(i, 0),
);

function signalsAnswering(body: unknown) {
  const fetch = jest.fn(
    async (_url: string | URL | Request, _init?: RequestInit) =>
      Response.json(body),
  );
  const deployments = new DeploymentsApi({
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    fetch,
  });
  return { signals: new RouterSignals({ deployments, now: () => now }), fetch };
}

const item = (overrides: Record<string, unknown> = {}) => ({
  environment: 'development',
  target: 'local',
  source: 'the local router',
  coverageFrom: new Date(start + 10 * 15_000).toISOString(),
  versions: [
    {
      version: '1.1.0',
      points,
      total: { ...point(60, 900, 90), p95Ms: 130, p99Ms: 300 },
    },
  ],
  ...overrides,
});

describe('RouterSignals', () => {
  it('asks ibias-deployments as the caller for the range on the same grid', async () => {
    const { signals, fetch } = signalsAnswering({ items: [item()] });
    await signals.read({
      entityRef: 'Component:default/IBIAS-web',
      environment: 'development',
      range: '15m',
      credentials,
    });
    const [url, init] = fetch.mock.calls[0];
    const asked = new URL(String(url));
    expect(asked.pathname).toMatch(/\/traffic$/);
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      entityRef: 'component:default/ibias-web',
      environment: 'development',
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      stepSeconds: '15',
    });
    expect(new Headers(init?.headers).get('authorization')).toMatch(
      /user:default\/wes\.web/,
    );
  });

  it('turns counts into rates, and says "no data" before the records begin and "no traffic" when idle', async () => {
    const { signals } = signalsAnswering({ items: [item()] });
    const report = await signals.read({
      entityRef: 'component:default/ibias-web',
      range: '15m',
      credentials,
    });
    expect(report).toMatchObject({
      configured: true,
      source: 'traffic-router',
      sourceNote:
        'Prometheus is not configured, so these figures come from the local router',
      stepSeconds: 15,
    });
    const [s] = report!.series;
    // Before coverage: unknown; after, idle is "no traffic", never 0 %.
    expect(s.errorRate[5]).toMatchObject({ value: null, reason: 'no data' });
    expect(s.requestRate[5]).toMatchObject({ value: null, reason: 'no data' });
    expect(s.errorRate[15]).toMatchObject({
      value: null,
      reason: 'no traffic',
    });
    expect(s.requestRate[15]).toMatchObject({ value: 0 });
    expect(s.requestRate[25]).toMatchObject({ value: 2 });
    expect(s.errorRate[25]).toMatchObject({ value: 0.1 });
    expect(s.latency.p95[25]).toMatchObject({ value: 0.12 });
    expect(s.summary).toEqual({
      requests: 900,
      errorRate: { value: 0.1 },
      p50: { value: 0.04 },
      p95: { value: 0.13 },
      p99: { value: 0.3 },
    });
    expect(s.ai).toBeNull();
  });

  it('ends on a step when now is one', async () => {
    const { signals, fetch } = signalsAnswering({ items: [] });
    const onStep = new RouterSignals({
      deployments: (signals as any).options.deployments,
      now: () => new Date('2026-12-07T10:00:00Z'),
    });
    await onStep.read({
      entityRef: 'component:default/ibias-web',
      range: '15m',
      credentials,
    });
    expect(new URL(String(fetch.mock.calls[0][0])).searchParams.get('to')).toBe(
      '2026-12-07T10:00:00.000Z',
    );
  });

  it.each([
    ['nothing', undefined],
    ['no items', { items: [] }],
    ['not an object', ['x']],
  ])('is undefined when the deployments API answers %s', async (_c, body) => {
    const { signals } = signalsAnswering(body);
    expect(
      await signals.read({
        entityRef: 'component:default/ibias-web',
        range: '15m',
        credentials,
      }),
    ).toBeUndefined();
  });

  it('drops a version whose points are malformed (negative, more errors than requests)', async () => {
    const { signals } = signalsAnswering({
      items: [
        item({
          versions: [
            {
              version: 'bad',
              points: [{ ...point(0, 1), errors: 2 }],
              total: point(0, 1),
            },
            { version: 'neg', points: [point(0, -1)], total: point(0, 1) },
            { version: 'ok', points: [point(0, 1)], total: point(0, 1) },
          ],
        }),
      ],
    });
    const report = await signals.read({
      entityRef: 'component:default/ibias-web',
      range: '15m',
      credentials,
    });
    expect(report!.series.map(s => s.version)).toEqual(['ok']);
  });

  it('orders environments by promotion and versions newest first', async () => {
    const version = (v: string) => ({
      version: v,
      points: [point(0, 1)],
      total: point(0, 1),
    });
    const { signals } = signalsAnswering({
      items: [
        item({ environment: 'staging', versions: [version('1.9.0')] }),
        item({
          environment: 'development',
          versions: [version('1.9.0'), version('1.10.0')],
        }),
      ],
    });
    const report = await signals.read({
      entityRef: 'component:default/ibias-web',
      range: '15m',
      credentials,
    });
    expect(report!.series.map(s => `${s.environment} ${s.version}`)).toEqual([
      'development 1.10.0',
      'development 1.9.0',
      'staging 1.9.0',
    ]);
  });
});

import type { HourlyUsage } from '../database/AlertStore';
import type { DeployRecord } from './DeployHistory';
import { deployCostsOf } from './deployCosts';

const HOUR = 3_600_000;
const T = Date.parse('2026-12-10T00:00:00Z');
const h = (n: number) => T + n * HOUR;

/** One row per hour from `from` (inclusive) to `to`: `calls` calls at `micros` each. */
function hours(from: number, to: number, calls: number, micros: number) {
  const out: HourlyUsage[] = [];
  for (let i = from; i < to; i++) {
    out.push({
      bucket: h(i),
      entityRef: 'component:default/ibias-api',
      team: 'group:default/web-team',
      calls,
      errors: 0,
      costMicros: calls * micros,
      latencyBuckets: [],
    });
  }
  return out;
}
const deploy = (id: string, at: number): DeployRecord => ({
  id,
  entityRef: 'component:default/ibias-api',
  version: id,
  environment: 'production',
  at,
  rollback: false,
});
const options = {
  windowMs: 6 * HOUR,
  maxRatio: 1.5,
  minRequests: 100,
  now: h(30),
};

describe('cost per 1,000 requests around deploys', () => {
  it('compares the hours before and after, leaving the deploy hour out', () => {
    const usage = [
      ...hours(0, 10, 20, 1000),
      // The deploy's own hour: mixed, left out.
      ...hours(10, 11, 20, 99_000),
      ...hours(11, 30, 20, 2000),
    ];
    const [c] = deployCostsOf(
      [deploy('v2', h(10) + 20 * 60_000)],
      usage,
      options,
    );
    expect(c.before).toMatchObject({
      from: h(4),
      to: h(10),
      requests: 120,
      perThousandMicros: 1_000_000,
    });
    expect(c.after).toMatchObject({
      from: h(11),
      to: h(17),
      requests: 120,
      perThousandMicros: 2_000_000,
    });
    expect(c).toMatchObject({ ratio: 2, raised: true });
  });

  it('stops each side at the neighbouring deploy, newest first', () => {
    const usage = [
      ...hours(0, 5, 30, 1000),
      ...hours(6, 9, 40, 1000),
      ...hours(10, 20, 40, 1200),
    ];
    const costs = deployCostsOf(
      [deploy('v3', h(9)), deploy('v2', h(5))],
      usage,
      options,
    );
    expect(costs.map(c => c.deploy.id)).toEqual(['v3', 'v2']);
    const [v3, v2] = costs;
    expect(v2.after).toMatchObject({ from: h(6), to: h(9), requests: 120 });
    expect(v3.before).toMatchObject({ from: h(6), to: h(9), requests: 120 });
    expect(v3).toMatchObject({ raised: false });
    expect(v3.ratio).toBeCloseTo(1.2, 9);
  });

  it('does not judge on too few requests, and says why', () => {
    const [c] = deployCostsOf(
      [deploy('v2', h(29) + 1)],
      hours(20, 30, 20, 1000),
      options,
    );
    expect(c).toMatchObject({
      raised: false,
      ratio: null,
      reason: 'fewer than 100 requests before or after the deploy',
    });
    // The deploy's hour is the current one: nothing after it yet.
    expect(c.after).toMatchObject({ requests: 0, perThousandMicros: null });
  });
});

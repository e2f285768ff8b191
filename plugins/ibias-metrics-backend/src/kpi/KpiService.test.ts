import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_KPIS,
  EXECUTIVE_KPIS,
  metricsBusinessReadPermission,
  type KpiDefinition,
} from '@internal/plugin-ibias-metrics-common';
import { KnexRecordStore } from '../database/KnexRecordStore';
import { generateSampleBusiness } from '../sample/sampleBusiness';
import { KpiService } from './KpiService';
import { snapshotRows } from './snapshots';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const NOW = new Date('2026-04-10T12:00:00Z');
const MAR = Date.parse('2026-03-01T00:00:00Z');
const APR = Date.parse('2026-04-01T00:00:00Z');
const GROSS_MARGIN = 0.8;

const reader = mockCredentials.user('user:default/exec');
const outsider = mockCredentials.user('user:default/outsider');

function userOf(credentials?: BackstageCredentials): string | undefined {
  const principal = credentials?.principal;
  return typeof principal === 'object' &&
    principal !== null &&
    'userEntityRef' in principal
    ? String(principal.userEntityRef)
    : undefined;
}

/** Allows ibias.metrics.business.read to the reader only, like the default policy. */
const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(r => ({
      result:
        r.permission.name === metricsBusinessReadPermission.name &&
        userOf(options?.credentials) === 'user:default/exec'
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    })),
});

let store: KnexRecordStore;
let service: KpiService;

beforeAll(async () => {
  const knex = await databases.init('SQLITE_3');
  store = await KnexRecordStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.import(generateSampleBusiness({ until: NOW }), 'sample', NOW);
  service = new KpiService({
    store,
    definitions: DEFAULT_KPIS,
    permissions,
    grossMargin: GROSS_MARGIN,
    sources: {},
    now: () => NOW,
  });
});

const def = (id: string): KpiDefinition => DEFAULT_KPIS[id];

describe('KpiService on the sample business', () => {
  it('computes the six executive KPIs for the last whole month', async () => {
    const series = await service.series(EXECUTIVE_KPIS.map(def), 'month', 3);
    expect(series.map(s => s.definition.id)).toEqual([...EXECUTIVE_KPIS]);
    for (const s of series) {
      expect(s.points.map(p => p.period.start)).toEqual([
        '2026-02-01T00:00:00.000Z',
        '2026-03-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
      ]);
      const march = s.points[1];
      expect({ id: s.definition.id, reason: march.reason }).toEqual({
        id: s.definition.id,
        reason: undefined,
      });
      expect(march.value).toEqual(expect.any(Number));
      expect(march.partialLabel).toBeUndefined();
    }

    // The values are the formulas applied to the store's sums for March.
    const byId = new Map(series.map(s => [s.definition.id, s.points[1]]));
    const [summary] = (await store.mrrSummaries('month', [MAR])).values();
    const spend = await store.spend({ from: MAR, until: APR });
    expect(byId.get('mrr')?.value).toBe(summary.endMrrMicros);
    expect(byId.get('cac')?.value).toBe(
      Math.round((spend ?? NaN) / summary.newCustomers),
    );
    const churn = summary.churnedCustomers / summary.customersAtStart;
    expect(byId.get('customer_churn')?.value).toBeCloseTo(churn, 12);
    const arpa = Math.round(summary.endMrrMicros / summary.customersAtEnd);
    expect(byId.get('ltv')?.value).toBe(
      Math.round((arpa * GROSS_MARGIN) / churn),
    );
    expect(byId.get('ltv')?.inputs).toEqual({
      arpa,
      grossMargin: GROSS_MARGIN,
      monthlyCustomerChurn: churn,
    });
    const nps = byId.get('nps')?.value ?? NaN;
    expect(nps).toBeGreaterThanOrEqual(-100);
    expect(nps).toBeLessThanOrEqual(100);
    const uptime = byId.get('uptime')?.value ?? NaN;
    expect(uptime).toBeGreaterThan(0.9);
    expect(uptime).toBeLessThanOrEqual(1);
  });

  it('marks the current month MTD and compares it with the same elapsed part of the month before', async () => {
    const [mrr, nps] = await service.series(
      [def('mrr'), def('nps')],
      'month',
      3,
    );
    const current = mrr.points[2];
    expect(current.partialLabel).toBe('MTD');
    expect(current.period).toEqual({
      kind: 'month',
      start: '2026-04-01T00:00:00.000Z',
      end: '2026-05-01T00:00:00.000Z',
      asOf: NOW.toISOString(),
    });
    // March 1 to March 10 12:00, not the whole of March.
    expect(mrr.comparison?.period).toEqual({
      kind: 'month',
      start: '2026-03-01T00:00:00.000Z',
      end: '2026-04-01T00:00:00.000Z',
      asOf: '2026-03-10T12:00:00.000Z',
    });
    expect(current.value).toBe(await store.mrrAt(NOW.getTime()));
    const then = await store.mrrAt(Date.parse('2026-03-10T12:00:00Z'));
    expect(mrr.comparison?.value).toBe(then);
    expect(mrr.comparison?.value).not.toBe(mrr.points[1].value);
    expect(mrr.change).toBeCloseTo(((current.value ?? NaN) - then) / then, 12);

    // NPS compares the responses of the first 9.5 days of each month.
    const counted = await store.surveyCounts({
      from: MAR,
      until: Date.parse('2026-03-10T12:00:00Z') + 1,
    });
    expect(nps.comparison?.inputs).toEqual({ ...counted });
  });

  it('derives LTV : CAC as LTV ÷ CAC, period by period', async () => {
    const [ratio, ltv, cac] = await service.series(
      [def('ltv_cac'), def('ltv'), def('cac')],
      'month',
      4,
    );
    expect(ratio.points).toHaveLength(4);
    const parts = ltv.points.map((l, i) => [l.value, cac.points[i].value]);
    expect(ratio.points.map(p => p.inputs)).toEqual(
      parts.map(([l, c]) => ({ ltv: l, cac: c })),
    );
    expect(ratio.points.map(p => p.value)).toEqual(
      parts.map(([l, c]) => (l === null || c === null ? null : l / c)),
    );
    expect(new Set(ratio.points.map(p => p.formula))).toEqual(
      new Set(['ltv ÷ cac']),
    );
    // A gap says why.
    expect(
      ratio.points
        .filter(p => p.value === null)
        .filter(
          p =>
            !p.reason?.match(
              /^(Customer lifetime value|Customer acquisition cost): /,
            ),
        ),
    ).toEqual([]);
    // Most periods have both parts: the ratio is computed, not a row of gaps.
    expect(
      ratio.points.filter(p => p.value !== null).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('refuses a financial KPI to a caller without ibias.metrics.business.read, and hides it from their list', async () => {
    await expect(service.definition('mrr', outsider)).rejects.toThrow(
      NotAllowedError,
    );
    await expect(service.definition('ltv_cac', outsider)).rejects.toThrow(
      'it needs the ibias.metrics.business.read permission',
    );
    await expect(service.definition('nps', outsider)).resolves.toBe(
      DEFAULT_KPIS.nps,
    );
    await expect(service.definition('mrr', reader)).resolves.toBe(
      DEFAULT_KPIS.mrr,
    );
    await expect(service.definition('no_such_kpi', reader)).rejects.toThrow(
      NotFoundError,
    );
    // An id the pattern allows that names a property every object inherits.
    await expect(service.definition('constructor', reader)).rejects.toThrow(
      NotFoundError,
    );

    const hidden = await service.visibleDefinitions(outsider);
    expect(hidden.map(d => d.id).sort()).toEqual(['nps', 'uptime']);
    expect(await service.canSeeBusiness(outsider)).toBe(false);
    const all = await service.visibleDefinitions(reader);
    expect(all.map(d => d.id).sort()).toEqual(Object.keys(DEFAULT_KPIS).sort());
  });

  it('refuses to report MRR by day, saying by which periods it is reported', async () => {
    const attempt = service.series([def('mrr')], 'day', 7);
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(
      'Monthly recurring revenue is reported by month or quarter, not by day',
    );
    // NPS is reported by day.
    const [nps] = await service.series([def('nps')], 'day', 7);
    expect(nps.points).toHaveLength(7);
    expect(nps.points[6].partialLabel).toBe('today');
  });

  it('lists the customers behind a month’s MRR, largest movement first', async () => {
    const answer = await service.records(
      def('mrr'),
      'month',
      '2026-03-01T00:00:00.000Z',
    );
    expect(answer.kpi).toBe('mrr');
    expect(answer.point.period.start).toBe('2026-03-01T00:00:00.000Z');
    expect(answer.columns).toEqual([
      'customer',
      'movement',
      'startMrrMicros',
      'endMrrMicros',
    ]);
    const moved = await store.mrrWindow({ from: MAR, until: APR });
    expect(answer.rows).toHaveLength(moved.filter(r => r.movement).length);
    expect(answer.rows.length).toBeGreaterThan(10);
    expect(answer.truncated).toBe(false);
    const changes = answer.rows.map(([, , start, end]) =>
      Math.abs(Number(end) - Number(start)),
    );
    expect(changes).toEqual([...changes].sort((a, b) => b - a));
    for (const [customer, movement] of answer.rows) {
      expect(customer).toMatch(/^cus_sample_/);
      expect([
        'new',
        'expansion',
        'contraction',
        'churn',
        'reactivation',
      ]).toContain(movement);
    }

    const limited = await service.records(
      def('mrr'),
      'month',
      '2026-03-01T00:00:00.000Z',
      5,
    );
    expect(limited.rows).toEqual(answer.rows.slice(0, 5));
    expect(limited.truncated).toBe(true);

    // The partial month's customers come from the events up to now.
    const mtd = await service.records(
      def('mrr'),
      'month',
      '2026-04-01T00:00:00.000Z',
    );
    expect(mtd.point.partialLabel).toBe('MTD');
    expect(mtd.rows.length).toBeGreaterThan(0);
  });

  it('shows the inputs of NPS and refuses a start that is not a period start or in the future', async () => {
    const answer = await service.records(
      def('nps'),
      'month',
      '2026-03-01T00:00:00.000Z',
    );
    expect(answer.columns).toEqual(['input', 'value']);
    expect(answer.rows.map(([input]) => input)).toEqual([
      'promoters',
      'passives',
      'detractors',
    ]);
    await expect(
      service.records(def('mrr'), 'month', '2026-03-02T00:00:00.000Z'),
    ).rejects.toThrow(
      'request/query/start must be the start of a month, such as 2026-03-01T00:00:00.000Z',
    );
    await expect(
      service.records(def('mrr'), 'month', '2026-06-01T00:00:00.000Z'),
    ).rejects.toThrow(InputError);
  });
});

describe('a Prometheus KPI past retention', () => {
  const activeUsers: KpiDefinition = {
    ...def('nps'),
    id: 'active_users',
    title: 'Active users',
    unit: 'count',
    financial: false,
    source: {
      type: 'prometheus',
      query: 'max_over_time(active_users[$__range])',
    },
  };
  /** Answers every period until it "forgets" those that start before `retainedFrom`. */
  let retainedFrom = 0;
  const prometheus = {
    values: jest.fn(async (_d: KpiDefinition, periods: { start: string }[]) =>
      periods.map(p =>
        Date.parse(p.start) >= retainedFrom
          ? {
              value: 100 + new Date(p.start).getUTCDate(),
              formula: 'q',
              inputs: {},
            }
          : { value: null, reason: 'no data', formula: 'q', inputs: {} },
      ),
    ),
  };
  const withPrometheus = () =>
    new KpiService({
      store,
      definitions: { ...DEFAULT_KPIS, active_users: activeUsers },
      permissions,
      grossMargin: GROSS_MARGIN,
      sources: { prometheus },
      now: () => NOW,
    });

  it('keeps its days, weeks and months, and reads them back once the source has forgotten them', async () => {
    const kpis = withPrometheus();
    const rows = await snapshotRows(kpis, {
      ...DEFAULT_KPIS,
      active_users: activeUsers,
    });
    // Every KPI's two months; only the Prometheus KPI's days, weeks and quarters.
    const kinds = (id: string) =>
      [...new Set(rows.filter(r => r.kpiId === id).map(r => r.kind))].sort();
    expect(kinds('active_users')).toEqual(['day', 'month', 'quarter', 'week']);
    expect(kinds('mrr')).toEqual(['month']);
    await store.saveSnapshots(rows, NOW.getTime());

    retainedFrom = Date.parse('2026-04-10T00:00:00Z');
    const [days] = await kpis.series([activeUsers], 'day', 3);
    // Today: from the source. Yesterday: kept. The day before: never kept, a gap.
    expect(days.points.map(p => p.value)).toEqual([null, 109, 110]);
    expect(days.points[0].reason).toBe('no data');
    expect(days.points[1].formula).toMatch(
      /^q — kept by the snapshot of 2026-04-10T12:00:00.000Z, as the source has no value now \(no data\)$/,
    );
    expect(days.points[1].inputs).toEqual({ snapshot: 109 });
    expect(days.points[2].formula).toBe('q');

    // A snapshot taken while the source does not answer keeps what was kept.
    const gaps = await snapshotRows(kpis, { active_users: activeUsers });
    const kept = gaps.filter(r => r.kind === 'day');
    // Only today is the source's own; yesterday's value came from a snapshot.
    expect(kept.map(r => r.value)).toEqual([110]);
    retainedFrom = Number.MAX_SAFE_INTEGER;
    await store.saveSnapshots(
      await snapshotRows(kpis, { active_users: activeUsers }),
      NOW.getTime() + 3_600_000,
    );
    const [later] = await kpis.series([activeUsers], 'day', 2);
    expect(later.points.map(p => p.value)).toEqual([109, 110]);
    expect(later.points[1].formula).toMatch(/before the period ended/);
  });
});

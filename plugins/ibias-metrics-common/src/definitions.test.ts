import {
  breachesError,
  DEFAULT_KPIS,
  EXECUTIVE_KPIS,
  KpiDefinition,
  kpiDefinitionSchema,
  KpiStatus,
  kpiStatus,
  parseDuration,
  resolveKpiDefinitions,
  supportedPeriods,
} from './definitions';
import { PeriodKind } from './periods';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000], // 90 × 1000
    ['15m', 900_000], // 15 × 60 000
    ['36h', 129_600_000], // 36 × 3 600 000
    ['2d', 172_800_000], // 2 × 86 400 000
    ['1w', 604_800_000], // 7 × 86 400 000
    ['0s', 0],
  ])('%s → %d ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([[''], ['10'], ['1.5h'], ['2 d'], ['-1m'], ['1y'], ['2D'], ['h']])(
    '%j is not a duration',
    text => {
      expect(() => parseDuration(text)).toThrow(RangeError);
    },
  );
});

describe('DEFAULT_KPIS', () => {
  it.each(Object.entries(DEFAULT_KPIS))(
    '%s is valid and keyed by its id',
    (id, definition) => {
      expect(definition.id).toBe(id);
      expect(kpiDefinitionSchema.safeParse(definition).success).toBe(true);
    },
  );

  it('holds the six KPIs of the executive dashboard', () => {
    expect(EXECUTIVE_KPIS).toEqual([
      'mrr',
      'cac',
      'ltv',
      'nps',
      'customer_churn',
      'uptime',
    ]);
    for (const id of EXECUTIVE_KPIS) expect(DEFAULT_KPIS[id]).toBeDefined();
  });
});

describe('supportedPeriods', () => {
  const all: PeriodKind[] = ['day', 'week', 'month', 'quarter'];
  it.each<[string, PeriodKind[]]>([
    // MRR movements are monthly
    ['mrr', ['month', 'quarter']],
    ['customer_churn', ['month', 'quarter']],
    ['cac', ['month', 'quarter']],
    ['ltv_cac', all], // derived
    ['nps', all],
    ['uptime', all],
  ])('%s → %j', (id, expected) => {
    expect(supportedPeriods(DEFAULT_KPIS[id])).toEqual(expected);
  });

  it('a SQL KPI can be reported by any period', () => {
    expect(
      supportedPeriods({
        ...DEFAULT_KPIS.mrr,
        source: { type: 'sql', query: 'select 1' },
      }),
    ).toEqual(all);
  });
});

describe('kpiStatus and breachesError', () => {
  // higher is better: success ≥ 50, warning ≥ 30, alert below 0
  type Graded = Pick<KpiDefinition, 'direction' | 'thresholds'>;
  const nps: Graded = {
    direction: 'up',
    thresholds: { success: 50, warning: 30, error: 0 },
  };
  // lower is better: success ≤ 2 %, warning ≤ 4 %, alert above 6 %
  const churn: Graded = {
    direction: 'down',
    thresholds: { success: 0.02, warning: 0.04, error: 0.06 },
  };

  const byDirection = { up: nps, down: churn };
  it.each<['up' | 'down', number, KpiStatus, boolean]>([
    ['up', 80, 'success', false],
    ['up', 50, 'success', false], // exactly success
    ['up', 49.9, 'warning', false],
    ['up', 30, 'warning', false], // exactly warning
    ['up', 29.9, 'error', false], // past warning, not yet past error
    ['up', 0, 'error', false], // exactly error: not crossed
    ['up', -0.1, 'error', true], // crossed error
    ['up', -100, 'error', true],
    ['down', 0, 'success', false],
    ['down', 0.02, 'success', false], // exactly success
    ['down', 0.021, 'warning', false],
    ['down', 0.04, 'warning', false], // exactly warning
    ['down', 0.041, 'error', false], // past warning, not yet past error
    ['down', 0.06, 'error', false], // exactly error: not crossed
    ['down', 0.0601, 'error', true], // crossed error
    ['down', 1, 'error', true],
  ])('%s: %d is %s, breaches error: %s', (direction, v, status, breaches) => {
    const definition = byDirection[direction];
    expect(kpiStatus(definition, v)).toBe(status);
    expect(breachesError(definition, v)).toBe(breaches);
  });

  it.each([[null], [undefined]])('a %p value has no status', v => {
    expect(kpiStatus(nps, v)).toBeUndefined();
  });

  it('a KPI without thresholds has no status and never breaches', () => {
    expect(kpiStatus({ direction: 'up' }, 1)).toBeUndefined();
    expect(breachesError({ direction: 'up' }, -1e9)).toBe(false);
    expect(breachesError({ direction: 'down' }, 1e9)).toBe(false);
  });
});

describe('resolveKpiDefinitions', () => {
  it('resolves the built-in KPIs unchanged when config says nothing', () => {
    expect(resolveKpiDefinitions({})).toEqual(DEFAULT_KPIS);
  });

  it('an override of one threshold keeps the other thresholds and fields', () => {
    const resolved = resolveKpiDefinitions({
      customer_churn: { thresholds: { warning: 0.05 } },
    });
    expect(resolved.customer_churn).toEqual({
      ...DEFAULT_KPIS.customer_churn,
      thresholds: { success: 0.02, warning: 0.05, error: 0.06 },
    });
    expect(resolved.nps).toEqual(DEFAULT_KPIS.nps);
  });

  it('an override of another field keeps the thresholds', () => {
    const resolved = resolveKpiDefinitions({
      nps: { title: 'NPS', freshness: '14d' },
    });
    expect(resolved.nps).toEqual({
      ...DEFAULT_KPIS.nps,
      title: 'NPS',
      freshness: '14d',
    });
  });

  it('thresholds can be given to a KPI that had none', () => {
    const resolved = resolveKpiDefinitions({
      mrr: { thresholds: { success: 100, warning: 50, error: 10 } },
    });
    expect(resolved.mrr.thresholds).toEqual({
      success: 100,
      warning: 50,
      error: 10,
    });
  });

  it('config adds a KPI of its own, keyed by its config key', () => {
    const signups = {
      title: 'Sign-ups',
      unit: 'count',
      direction: 'up',
      freshness: '1d',
      owner: 'group:default/growth',
      source: { type: 'sql', query: 'select period, value from signups' },
      financial: false,
    };
    const resolved = resolveKpiDefinitions({ signups });
    expect(resolved.signups).toEqual({ id: 'signups', ...signups });
    expect(Object.keys(resolved)).toHaveLength(
      Object.keys(DEFAULT_KPIS).length + 1,
    );
  });

  it('a derived KPI may name two record KPIs', () => {
    const resolved = resolveKpiDefinitions({
      ltv_cac: {
        source: { type: 'derived', numerator: 'ltv', denominator: 'arpa' },
      },
    });
    expect(resolved.ltv_cac.source).toEqual({
      type: 'derived',
      numerator: 'ltv',
      denominator: 'arpa',
    });
  });

  it.each<[string, Record<string, Record<string, unknown>>, string[]]>([
    [
      'an invalid unit names its full config key',
      { mrr: { unit: 'dollars' } },
      ['ibias.metrics.kpis.mrr.unit '],
    ],
    [
      'an invalid freshness',
      { mrr: { freshness: '2 days' } },
      [
        'ibias.metrics.kpis.mrr.freshness must be a duration such as 90s, 15m, 36h or 2d',
      ],
    ],
    [
      'an owner that is not an entity ref',
      { mrr: { owner: 'executives' } },
      [
        'ibias.metrics.kpis.mrr.owner must be an entity ref such as group:default/executives',
      ],
    ],
    [
      'a threshold that is not a number',
      { customer_churn: { thresholds: { warning: 'high' } } },
      ['ibias.metrics.kpis.customer_churn.thresholds.warning '],
    ],
    [
      // 0.05 ≤ 0.04 fails
      'misordered thresholds where lower is better',
      { customer_churn: { thresholds: { success: 0.05 } } },
      [
        'ibias.metrics.kpis.customer_churn.thresholds must have success ≤ warning ≤ error, since lower is better',
      ],
    ],
    [
      // 50 ≥ 60 fails
      'misordered thresholds where higher is better',
      { nps: { thresholds: { warning: 60 } } },
      [
        'ibias.metrics.kpis.nps.thresholds must have success ≥ warning ≥ error, since higher is better',
      ],
    ],
    [
      'incomplete thresholds on a KPI that had none',
      { mrr: { thresholds: { success: 1 } } },
      [
        'ibias.metrics.kpis.mrr.thresholds.warning ',
        'ibias.metrics.kpis.mrr.thresholds.error ',
      ],
    ],
    [
      'an unknown field is rejected',
      { mrr: { colour: 'red' } },
      ['ibias.metrics.kpis.mrr ', 'colour'],
    ],
    [
      'an unknown threshold is rejected',
      { nps: { thresholds: { critical: -50 } } },
      ['ibias.metrics.kpis.nps.thresholds ', 'critical'],
    ],
    [
      'an unknown record formula',
      { mrr: { source: { type: 'records', formula: 'ebitda' } } },
      ['ibias.metrics.kpis.mrr.source.formula '],
    ],
    [
      'a derived KPI naming an unknown KPI',
      {
        ltv_cac: {
          source: { type: 'derived', numerator: 'ltv', denominator: 'spend' },
        },
      },
      [
        'ibias.metrics.kpis.ltv_cac.source.denominator must name a KPI that is not itself derived, not "spend"',
      ],
    ],
    [
      'a derived KPI naming a derived KPI',
      {
        ltv_cac: {
          source: { type: 'derived', numerator: 'ltv_cac', denominator: 'cac' },
        },
      },
      [
        'ibias.metrics.kpis.ltv_cac.source.numerator must name a KPI that is not itself derived, not "ltv_cac"',
      ],
    ],
    [
      'a KPI of config’s own that lacks fields',
      { signups: { unit: 'count' } },
      [
        'ibias.metrics.kpis.signups.title ',
        'ibias.metrics.kpis.signups.direction ',
        'ibias.metrics.kpis.signups.source ',
      ],
    ],
    [
      'a config key that is not snake_case',
      { 'Sign-ups': { ...DEFAULT_KPIS.new_customers } },
      ['ibias.metrics.kpis.Sign-ups.id must be snake_case'],
    ],
    [
      'every problem at once',
      { mrr: { unit: 'dollars' }, nps: { freshness: 'weekly' } },
      ['ibias.metrics.kpis.mrr.unit ', 'ibias.metrics.kpis.nps.freshness '],
    ],
  ])('%s', (_name, overrides, fragments) => {
    let message = '';
    try {
      resolveKpiDefinitions(overrides);
    } catch (e) {
      message = String(e instanceof Error ? e.message : e);
    }
    expect(message).toMatch(/^Invalid KPI definitions: /);
    for (const fragment of fragments) expect(message).toContain(fragment);
  });

  it('names keys under the prefix it is given', () => {
    expect(() =>
      resolveKpiDefinitions({ mrr: { unit: 'dollars' } }, 'kpis'),
    ).toThrow(/kpis\.mrr\.unit /);
  });
});

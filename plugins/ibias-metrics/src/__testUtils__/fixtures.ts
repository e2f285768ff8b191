import { DEFAULT_KPIS } from '@internal/plugin-ibias-metrics-common';
import type { Alert, Dashboard, KpiSeries } from '../api';

const month = (m: number, asOf?: string) => ({
  kind: 'month' as const,
  start: new Date(Date.UTC(2026, m, 1)).toISOString(),
  end: new Date(Date.UTC(2026, m + 1, 1)).toISOString(),
  ...(asOf ? { asOf } : {}),
});

/** A KPI over three months, the last one partial (MTD). */
export function series(
  id: string,
  values: Array<number | null>,
  comparison: number | null = null,
): KpiSeries {
  const { source, ...definition } = DEFAULT_KPIS[id];
  return {
    definition: { ...definition, source: { ...source } },
    points: values.map((value, i) => ({
      period: month(
        9 + i,
        i === values.length - 1 ? '2026-12-06T12:00:00.000Z' : undefined,
      ),
      value,
      ...(value === null ? { reason: 'no survey responses' } : {}),
      ...(i === values.length - 1 ? { partialLabel: 'MTD' } : {}),
      formula: 'f',
      inputs: {},
    })),
    comparison: {
      period: month(10, '2026-11-06T12:00:00.000Z'),
      value: comparison,
      formula: 'f',
      inputs: {},
    },
    asOf: '2026-12-06T12:00:00.000Z',
    stale: false,
  };
}

export const firingAlert: Alert = {
  id: '5b0c3a4e-2f7d-4a53-9a49-9f1a7a1c0001',
  ruleId: 'kpi_uptime',
  ruleName: 'System uptime past its error threshold',
  subject: 'kpi:uptime',
  status: 'firing',
  severity: 'warning',
  owner: 'group:default/platform-team',
  summary: 'System uptime is below 99 %',
  lastValue: 0.942,
  pendingSince: '2026-12-06T10:00:00.000Z',
  firedAt: '2026-12-06T10:00:00.000Z',
  lastBreachAt: '2026-12-06T12:00:00.000Z',
  evidence: { kpi: 'uptime', value: 0.942, threshold: 0.99 },
};

export function dashboard(business: boolean): Dashboard {
  const tiles = business
    ? [
        series('mrr', [140e9, 149e9, 153e9], 149e9),
        series('cac', [800e6, 790e6, 930e6], 790e6),
        series('ltv', [7e9, 7.5e9, 7.8e9]),
        series('nps', [40, null, 57], 33),
        series('customer_churn', [0.02, 0.03, 0.005], 0),
        series('uptime', [0.999, 0.998, 0.942], 0.999),
      ]
    : [series('nps', [40, null, 57], 33), series('uptime', [0.999, 0.942])];
  return {
    tiles,
    trends: [
      {
        id: 'satisfaction',
        title: 'Satisfaction (NPS)',
        unit: 'score',
        kpi: 'nps',
        points: [
          { at: '2026-10-01T00:00:00.000Z', value: 40 },
          { at: '2026-11-01T00:00:00.000Z', value: null },
          { at: '2026-12-01T00:00:00.000Z', value: 57 },
        ],
      },
    ],
    markers: [],
    alerts: [firingAlert],
    recommendations: [
      {
        id: `alert:${firingAlert.id}`,
        title: 'System uptime past its error threshold on kpi:uptime',
        severity: 'warning',
        evidence: {
          rule: 'kpi_uptime',
          summary: 'System uptime is below 99 %',
          values: { value: 0.942, threshold: 0.99 },
        },
        actions: [{ label: 'Open the KPI', href: '/ibias-metrics?kpi=uptime' }],
      },
    ],
    sample: true,
    business,
    generatedAt: '2026-12-06T12:00:00.000Z',
  };
}

import { DEFAULT_KPIS } from '@internal/plugin-ibias-metrics-common';
import { PortalMetrics } from './PortalMetrics';
import {
  scrapeableAlertCounts,
  scrapeableKpiValues,
} from './scrapeableKpiValues';

describe('scrapeableKpiValues', () => {
  const values = { mrr: 153_000_000_000, nps: 57, uptime: 0.94, unknown: 1 };

  it.each([
    // [token required, what the scrape carries]
    [false, ['nps', 'uptime']],
    [true, ['mrr', 'nps', 'unknown', 'uptime']],
  ])(
    'token required: %s → the scrape carries %j',
    async (tokenRequired, expected) => {
      const metrics = new PortalMetrics({ defaultMetrics: false });
      metrics.setKpiValues(values);
      // A later evaluation without the token removes what it must not carry.
      metrics.setKpiValues(
        scrapeableKpiValues(values, DEFAULT_KPIS, { tokenRequired }),
      );
      const { body } = await metrics.render();
      const kpis = [...body.matchAll(/^ibias_kpi_value\{kpi="([^"]+)"\}/gm)]
        .map(m => m[1])
        .sort();
      expect(kpis).toEqual(expected);
    },
  );

  it('treats a KPI it has no definition for as financial', () => {
    expect(scrapeableKpiValues({ x: 1 }, {}, { tokenRequired: false })).toEqual(
      { x: null },
    );
  });
});

describe('scrapeableAlertCounts', () => {
  const rows = [
    {
      rule: 'high_error_rate',
      severity: 'critical',
      status: 'firing',
      count: 1,
    },
    { rule: 'kpi_ltv_cac', severity: 'warning', status: 'firing', count: 1 },
    { rule: 'kpi_uptime', severity: 'warning', status: 'firing', count: 1 },
    { rule: 'kpi_unknown', severity: 'warning', status: 'firing', count: 1 },
  ];
  it.each([
    [false, ['high_error_rate', 'kpi_uptime']],
    [true, ['high_error_rate', 'kpi_ltv_cac', 'kpi_uptime', 'kpi_unknown']],
  ])('token required: %s → %j', (tokenRequired, expected) => {
    expect(
      scrapeableAlertCounts(rows, DEFAULT_KPIS, { tokenRequired }).map(
        r => r.rule,
      ),
    ).toEqual(expected);
  });
});

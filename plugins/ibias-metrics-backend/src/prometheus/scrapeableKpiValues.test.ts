import { DEFAULT_KPIS } from '@internal/plugin-ibias-metrics-common';
import { PortalMetrics } from './PortalMetrics';
import { scrapeableKpiValues } from './scrapeableKpiValues';

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

import type { KpiDefinition } from '@internal/plugin-ibias-metrics-common';
import type { AlertCount } from './PortalMetrics';

/**
 * The KPI values `/metrics` may carry. Without a scrape token the endpoint is open to
 * anyone who reaches the backend, so financial KPIs (which need
 * ibias.metrics.business.read in the API) stay out of it; with a token they are exported
 * for the Prometheus that holds it. A KPI left out is removed from the scrape (null).
 */
export function scrapeableKpiValues(
  values: Record<string, number | null>,
  definitions: Record<string, KpiDefinition>,
  options: { tokenRequired: boolean },
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [id, value] of Object.entries(values)) {
    const financial = definitions[id]?.financial ?? true;
    out[id] = financial && !options.tokenRequired ? null : value;
  }
  return out;
}

/**
 * The alert counts `/metrics` may carry: without a scrape token, none of a financial
 * KPI's rule (`kpi_<id>`), since that a figure is past its threshold is a figure too.
 */
export function scrapeableAlertCounts(
  rows: ReadonlyArray<AlertCount>,
  definitions: Record<string, KpiDefinition>,
  options: { tokenRequired: boolean },
): AlertCount[] {
  if (options.tokenRequired) return [...rows];
  return rows.filter(row => {
    if (!row.rule.startsWith('kpi_')) return true;
    return definitions[row.rule.slice('kpi_'.length)]?.financial === false;
  });
}

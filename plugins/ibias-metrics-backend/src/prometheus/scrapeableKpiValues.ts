import type { KpiDefinition } from '@internal/plugin-ibias-metrics-common';

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

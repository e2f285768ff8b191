/**
 * IBIAS metrics: the executive KPI dashboard and the alerts page.
 *
 * @packageDocumentation
 */
export { ibiasMetricsPlugin as default } from './plugin';
export * from './api';

export { CappedLabel, OTHER } from './CappedLabel';
export {
  PortalMetrics,
  UNMATCHED_ROUTE,
  type AlertCount,
  type PortalMetricsOptions,
} from './PortalMetrics';
export {
  createMetricsRouter,
  type MetricsRouterOptions,
} from './createMetricsRouter';

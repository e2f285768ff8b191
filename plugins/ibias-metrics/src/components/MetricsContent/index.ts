export { MetricsContent } from './MetricsContent';

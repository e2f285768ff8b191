export { ibiasMetricsPlugin as default } from './plugin';

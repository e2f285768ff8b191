export { HealthBanner, describeHealth, HEALTH_POLL_MS } from './HealthBanner';

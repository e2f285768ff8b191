export { ExecutiveDashboard } from './ExecutiveDashboard';

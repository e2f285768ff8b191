export { AlertsView } from './AlertsView';

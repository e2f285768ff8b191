export { HomeKpis, HomeAlerts } from './HomeWidgets';

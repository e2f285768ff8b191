import { createApiRef } from '@backstage/frontend-plugin-api';
import type { components } from '@internal/plugin-ibias-metrics-common';

// Every answer type is generated from the backend's OpenAPI document
// (plugins/ibias-metrics-backend/src/schema/openapi.yaml) into -common.
type Schemas = components['schemas'];
export type Dashboard = Schemas['Dashboard'];
export type KpiSeries = Schemas['KpiSeries'];
export type KpiPoint = Schemas['KpiPoint'];
export type KpiRecords = Schemas['KpiRecords'];
export type Alert = Schemas['Alert'];
export type AlertWithHistory = Schemas['AlertWithHistory'];
export type AlertActionBody = Schemas['AlertAction'];
export type Recommendation = Schemas['Recommendation'];
export type PeriodKind = Schemas['Period']['kind'];
export type GoldenSignals = Schemas['GoldenSignals'];
export type GoldenSignalsUnconfigured = Schemas['GoldenSignalsUnconfigured'];
export type GoldenSignalSeries = Schemas['GoldenSignalSeries'];
export type SignalRange = GoldenSignals['range'];

export interface AlertQuery {
  status?: 'open' | Alert['status'];
  subject?: string;
  mine?: boolean;
  limit?: number;
}

export interface IbiasMetricsApi {
  dashboard(period: PeriodKind, count: number): Promise<Dashboard>;
  kpis(
    period: PeriodKind,
    count: number,
  ): Promise<{ items: KpiSeries[]; sample: boolean; business: boolean }>;
  kpi(id: string, period: PeriodKind, count: number): Promise<KpiSeries>;
  records(id: string, period: PeriodKind, start: string): Promise<KpiRecords>;
  alerts(query: AlertQuery): Promise<{ items: Alert[] }>;
  goldenSignals(
    entityRef: string,
    range: SignalRange,
    environment?: string,
  ): Promise<GoldenSignals | GoldenSignalsUnconfigured>;
  alert(id: string): Promise<AlertWithHistory>;
  act(
    id: string,
    action: 'acknowledge' | 'silence' | 'resolve',
    body?: AlertActionBody,
  ): Promise<Alert>;
}

export const ibiasMetricsApiRef = createApiRef<IbiasMetricsApi>({
  id: 'plugin.ibias-metrics.api',
});

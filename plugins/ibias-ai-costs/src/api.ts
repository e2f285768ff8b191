import { createApiRef } from '@backstage/frontend-plugin-api';
import type { components } from '@internal/plugin-ibias-ai-costs-common';

// Every answer type is generated from the backend's OpenAPI document
// (plugins/ibias-ai-costs-backend/src/schema/openapi.yaml) into -common.
type Schemas = components['schemas'];
export type CostReport = Schemas['CostReport'];
export type CostRow = Schemas['CostRow'];
export type BudgetStatus = Schemas['BudgetStatus'];
export type GroupBy = CostReport['groupBy'];
export type Granularity = CostReport['granularity'];
export type AiAlert = Schemas['AiAlert'];
export type AlertState = AiAlert['state'];
export type DeployCostList = Schemas['DeployCostList'];
export type DeployCost = DeployCostList['items'][number];

/** Which alerts: active (the default), snoozed until later, open, resolved, all. */
export type AlertListView = 'active' | 'snoozed' | 'open' | 'resolved' | 'all';

export interface CostQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
  granularity: Granularity;
  entityRef?: string;
  team?: string;
}

/** A CSV document the backend wrote, to hand to the browser as a file. */
export interface CsvFile {
  filename: string;
  text: string;
}

export interface IbiasAiCostsApi {
  costs(query: CostQuery): Promise<CostReport>;
  /** The rows of costs(query) as the backend's CSV (GET /costs/export.csv). */
  exportCsv(query: CostQuery): Promise<CsvFile>;
  /** Spend in [from, to) as a FinOps FOCUS dataset (GET /export/focus.csv). */
  exportFocus(range: { from: string; to: string }): Promise<CsvFile>;
  budgets(filter?: {
    entityRef?: string;
    team?: string;
  }): Promise<{ items: BudgetStatus[] }>;
  /** AI cost alerts of the teams the caller may read. */
  alerts(query?: {
    state?: AlertListView;
    entityRef?: string;
    team?: string;
    limit?: number;
  }): Promise<{ items: AiAlert[] }>;
  acknowledgeAlert(id: string): Promise<AiAlert>;
  /** Hidden until `until`, or for `minutes` (5 minutes to 7 days). */
  snoozeAlert(
    id: string,
    body: { until: string } | { minutes: number },
  ): Promise<AiAlert>;
  /** A service's cost per 1,000 requests before and after each recent deploy. */
  deployCosts(entityRef: string): Promise<DeployCostList>;
}

export const ibiasAiCostsApiRef = createApiRef<IbiasAiCostsApi>({
  id: 'plugin.ibias-ai-costs.service',
});

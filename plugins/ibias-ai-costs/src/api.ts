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

export interface CostQuery {
  from: string;
  to: string;
  groupBy: GroupBy;
  granularity: Granularity;
  entityRef?: string;
  team?: string;
}

export interface IbiasAiCostsApi {
  costs(query: CostQuery): Promise<CostReport>;
  budgets(filter?: {
    entityRef?: string;
    team?: string;
  }): Promise<{ items: BudgetStatus[] }>;
}

export const ibiasAiCostsApiRef = createApiRef<IbiasAiCostsApi>({
  id: 'plugin.ibias-ai-costs.service',
});

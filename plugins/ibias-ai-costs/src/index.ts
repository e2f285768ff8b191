/**
 * IBIAS AI costs: AI spend by team, service, provider and model, budgets and forecasts.
 *
 * @packageDocumentation
 */
export { ibiasAiCostsPlugin as default } from './plugin';
export { ibiasAiCostsApiRef, type IbiasAiCostsApi } from './api';

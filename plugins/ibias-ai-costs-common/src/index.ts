/**
 * AI usage events, price books (per token and per second by hardware), budgets and their
 * thresholds, the month-end forecast, the seed's AI alert rules and the permissions of
 * IBIAS AI costs: pure and shared by the backend, the frontend and the reporting client.
 *
 * @packageDocumentation
 */
export * from './events';
export * from './pricing';
export * from './budgets';
export * from './forecast';
export * from './rules';
export * from './latency';
export * from './alerts';
export * from './permissions';
export type { components, operations, paths } from './generated/openapi';
export * from './otlp';

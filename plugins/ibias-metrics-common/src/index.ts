/**
 * KPI definitions and formulas, reporting periods, MRR movements, alert rules and their
 * lifecycle, and the permissions of IBIAS metrics: pure and shared by backend and frontend.
 *
 * @packageDocumentation
 */
export * from './periods';
export * from './mrr';
export * from './formulas';
export * from './definitions';
export * from './alerts';
export * from './permissions';
export type { components, operations, paths } from './generated/openapi';

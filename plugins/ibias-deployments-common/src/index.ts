/**
 * Types, permissions and the pure domain logic of IBIAS deployments: the deploy state
 * machine, the plan of each strategy, the rollback analysis and the environment baseline.
 *
 * @packageDocumentation
 */
export * from './types';
export type { components, operations, paths } from './generated/openapi';
export * from './signals';
export * from './stateMachine';
export * from './analysis';
export * from './plan';
export * from './environments';
export * from './permissions';
export * from './releases';

/**
 * What other backend packages need of IBIAS deployments: the permission resource of a
 * deployment target (a service in an environment), its rules and conditions.
 *
 * @packageDocumentation
 */
export * from './permissions';

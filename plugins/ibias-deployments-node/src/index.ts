/**
 * What other backend packages need of IBIAS deployments: the deploy target interface and
 * the extension point a module adds a target through, and the permission resource of a
 * deployment target (a service in an environment), its rules and conditions, and the deployments settings other plugins read too, and a client other plugins read the
 * deployments API with.
 *
 * @packageDocumentation
 */

export * from './permissions';
export * from './targets';
export * from './extensions';
export * from './config';
export * from './DeploymentsApi';
export * from './probe/ProbeLoad';
export * from './releases/GithubReleaseTags';

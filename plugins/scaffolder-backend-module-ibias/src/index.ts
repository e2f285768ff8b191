/**
 * IBIAS scaffolder actions: ibias:publish:target, ibias:publish:local,
 * ibias:catalog:register-local and the ibias:service:verify gate.
 *
 * @packageDocumentation
 */
export { scaffolderModuleIbias as default } from './module';
export { catalogModuleIbiasLocalRepos } from './module';

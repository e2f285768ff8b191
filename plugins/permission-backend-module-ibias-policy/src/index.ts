/**
 * The IBIAS permission policy, as a permission backend module.
 *
 * @packageDocumentation
 */
export { permissionModuleIbiasPolicy as default } from './module';
export { IbiasPermissionPolicy } from './policy';

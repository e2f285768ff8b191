import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource the deployment permissions are about: one service (catalog entity) in one
 * environment, written `<entityRef>#<environment>` as the resource ref.
 */
export const DEPLOYMENT_TARGET_RESOURCE_TYPE = 'ibias-deployment-target';

export const deployPermission = createPermission({
  name: 'ibias.deployments.deploy',
  attributes: { action: 'create' },
  resourceType: DEPLOYMENT_TARGET_RESOURCE_TYPE,
});

export const rollbackPermission = createPermission({
  name: 'ibias.deployments.rollback',
  attributes: { action: 'update' },
  resourceType: DEPLOYMENT_TARGET_RESOURCE_TYPE,
});

export const approvePermission = createPermission({
  name: 'ibias.deployments.approve',
  attributes: { action: 'update' },
  resourceType: DEPLOYMENT_TARGET_RESOURCE_TYPE,
});

export const deploymentsPermissions = [
  deployPermission,
  rollbackPermission,
  approvePermission,
];

/** `<entityRef>#<environment>`, the resource ref of a deployment target. */
export function targetResourceRef(entityRef: string, environment: string) {
  return `${entityRef}#${environment}`;
}

export function parseTargetResourceRef(ref: string) {
  const i = ref.lastIndexOf('#');
  return i < 0
    ? undefined
    : { entityRef: ref.slice(0, i), environment: ref.slice(i + 1) };
}

import { parseTargetResourceRef } from '@internal/plugin-ibias-deployments-common';
import type { DeploymentTarget } from '@internal/plugin-ibias-deployments-node';
import type { ServiceCatalogLookup } from './ServiceCatalogLookup';

/**
 * The permission framework's `getResources` for deployment targets: each resource ref
 * (`<entityRef>#<environment>`) with its owner from the catalog. A ref the catalog does
 * not answer for, because the entity is gone or the catalog is unreachable, has no
 * resource; the framework then denies the conditional decision (ownership is never
 * assumed when it cannot be read).
 */
export function deploymentTargetResources(
  lookup: Pick<ServiceCatalogLookup, 'ownership'>,
) {
  return (refs: string[]): Promise<Array<DeploymentTarget | undefined>> =>
    Promise.all(
      refs.map(async ref => {
        const parsed = parseTargetResourceRef(ref);
        const found = parsed && (await lookup.ownership(parsed.entityRef));
        return found ? { ...parsed, ...found } : undefined;
      }),
    );
}

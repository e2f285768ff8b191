import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The owner of an entity from the catalog, asked with the plugin's own credentials (the
 * evaluation runs outside any request), as a normalised entity ref the way ownership
 * claims are: a bare `web-team` is `group:<the entity's namespace>/web-team`. Undefined
 * when the entity is not in the catalog or names no owner.
 */
export function catalogOwnerOf(options: {
  catalog: Pick<CatalogService, 'getEntityByRef'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
}): (entityRef: string) => Promise<string | undefined> {
  return async entityRef => {
    const entity = await options.catalog.getEntityByRef(entityRef, {
      credentials: await options.auth.getOwnServiceCredentials(),
    });
    const owner = entity?.spec?.owner;
    if (typeof owner !== 'string') return undefined;
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity?.metadata.namespace,
      }),
    ).toLocaleLowerCase('en-US');
  };
}

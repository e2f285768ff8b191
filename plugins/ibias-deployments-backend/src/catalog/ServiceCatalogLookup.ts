import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { entityLocations } from './entities';

/**
 * What the plugin asks the catalog about a service outside a user's request (with its
 * own service credentials): who owns it, for permission rules and notifications, and
 * where it was read from, for target calls rebuilt from a stored deployment. Every
 * answer is undefined when the entity is gone or the catalog cannot be reached.
 */
export class ServiceCatalogLookup {
  constructor(
    private readonly options: { catalog: CatalogService; auth: AuthService },
  ) {}

  /** The entity, read with the plugin's own credentials. */
  async entity(entityRef: string): Promise<Entity | undefined> {
    return this.options.catalog
      .getEntityByRef(entityRef, {
        credentials: await this.options.auth.getOwnServiceCredentials(),
      })
      .catch(() => undefined);
  }

  /**
   * The owner of a service as a normalised entity ref (as ownership claims are: a bare
   * `web-team` is `group:<the entity's namespace>/web-team`); `{ owner: undefined }` when
   * the entity has none, undefined when it is not in the catalog.
   */
  async ownership(
    entityRef: string,
  ): Promise<{ owner: string | undefined } | undefined> {
    const entity = await this.entity(entityRef);
    if (!entity) return undefined;
    const owner = entity.spec?.owner;
    return {
      owner:
        typeof owner === 'string'
          ? stringifyEntityRef(
              parseEntityRef(owner, {
                defaultKind: 'group',
                defaultNamespace: entity.metadata.namespace,
              }),
            ).toLocaleLowerCase('en-US')
          : undefined,
    };
  }

  async ownerOf(entityRef: string): Promise<string | undefined> {
    return (await this.ownership(entityRef))?.owner;
  }

  /** Where the catalog read the entity from and where its source lives. */
  async locationsOf(
    entityRef: string,
  ): Promise<{ managedBy?: string; source?: string } | undefined> {
    const entity = await this.entity(entityRef);
    return entity ? entityLocations(entity) : undefined;
  }
}

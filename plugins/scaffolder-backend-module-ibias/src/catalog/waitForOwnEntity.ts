import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Waits until the catalog lists `entityRef` and checks that it was defined by the
 * location the task registered (`annotation` equals `locationRef`): a component of that
 * name defined anywhere else fails the task rather than being linked to it.
 */
export async function waitForOwnEntity(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  entityRef: string;
  /** The annotation that names where the entity was read from. */
  annotation: string;
  locationRef: string;
  /** Named in the conflict message: the repository or URL the task published. */
  source: string;
  waitMs: number;
  pollMs: number;
  signal?: AbortSignal;
}) {
  const { catalog, credentials, entityRef, locationRef } = options;
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (entity) {
      if (entity.metadata.annotations?.[options.annotation] !== locationRef) {
        throw new ConflictError(
          `${entityRef} already exists in the catalog and was not defined by ${options.source}; choose another name`,
        );
      }
      return entity;
    }
    if (options.signal?.aborted) {
      throw new Error('Cancelled while waiting for the catalog');
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The catalog did not list ${entityRef} within ${
          options.waitMs / 1000
        } s; see the catalog's processing errors for ${locationRef}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, options.pollMs));
  }
}

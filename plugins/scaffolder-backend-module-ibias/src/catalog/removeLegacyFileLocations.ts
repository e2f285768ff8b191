import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Removes every `file` location registered through the catalog's locations API. Earlier
 * versions of this module opened that API to `file` locations (so that
 * ibias:catalog:register-local could add the repositories it published), which let anyone
 * register any path on the host; now the catalog accepts only `url` locations through the
 * API, local repositories come from LocalReposEntityProvider, and the organisation's own
 * files from app-config (neither of which is in the locations API's list). Whatever `file`
 * location the list still holds was left by that earlier version: a repository the
 * provider now emits (its entities stay, claimed by the provider), or a path someone
 * registered to read the host. Returns the targets it removed.
 */
export async function removeLegacyFileLocations(options: {
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<string[]> {
  const { catalog, auth, logger } = options;
  const credentials = await auth.getOwnServiceCredentials();
  const { items } = await catalog.getLocations({}, { credentials });
  const removed: string[] = [];
  for (const location of items) {
    if (location.type !== 'file') continue;
    await catalog.removeLocationById(location.id, { credentials });
    logger.warn(
      `Removed the file location ${location.id} that the locations API accepted before; local repositories now reach the catalog through the ibias-local-repos provider`,
    );
    removed.push(location.target);
  }
  return removed;
}

import path from 'node:path';
import type { AuthService } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventsService } from '@backstage/plugin-events-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { waitForOwnEntity } from '../catalog/waitForOwnEntity';
import type { LocalRepos } from './localRepos';
import { resolveInside } from './inputs';
import {
  CATALOG_INFO_FILE,
  LOCAL_REPOS_CHANGED_TOPIC,
  localCatalogInfoPath,
  realReposRoot,
} from '../catalog/localCatalogInfo';

/**
 * Puts a repository made by ibias:publish:local in the catalog without the locations
 * API: it asks the catalog's local repositories provider (catalogModuleIbiasLocalRepos)
 * to look again, through an in-process event, and waits for `component:default/<name>`.
 * The entity must have been read from this repository's catalog-info.yaml; a component
 * of that name defined anywhere else fails the task instead of being linked.
 */
export function createRegisterLocalAction(options: {
  repos: LocalRepos;
  catalog: CatalogService;
  auth: AuthService;
  events: EventsService;
  /** How long to wait for the catalog to process the new entity. */
  waitMs?: number;
  /** How often to look while waiting. */
  pollMs?: number;
}) {
  const { repos, catalog, auth, events } = options;
  const waitMs = options.waitMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  return createTemplateAction({
    id: 'ibias:catalog:register-local',
    description:
      'Puts a repository made by ibias:publish:local in the catalog and waits for its entity',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Service name (the repository folder)'),
        catalogInfoPath: z =>
          z
            .string()
            .default(CATALOG_INFO_FILE)
            .describe('Only catalog-info.yaml at the repository root is read'),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      repos.assertEnabled();
      const name = ctx.input.name;
      const repoDir = repos.repoDir(name);
      // Schema defaults are documentation only: the scaffolder does not apply them.
      const requested = ctx.input.catalogInfoPath ?? CATALOG_INFO_FILE;
      if (
        resolveInside(repoDir, requested) !==
        path.join(repoDir, CATALOG_INFO_FILE)
      ) {
        throw new InputError(
          `Only ${CATALOG_INFO_FILE} at the repository root is registered`,
        );
      }
      const entityRef = `component:default/${name}`;
      if (ctx.isDryRun) {
        ctx.output('entityRef', entityRef);
        ctx.output(
          'catalogInfoUrl',
          `file://${path.join(repoDir, CATALOG_INFO_FILE)}`,
        );
        return;
      }
      const realRoot = await realReposRoot(repos.root);
      const target = realRoot && (await localCatalogInfoPath(realRoot, name));
      if (!target) {
        throw new InputError(
          `The repository '${name}' has no ${CATALOG_INFO_FILE} the catalog may read (a regular file, no symlink): publish the repository first`,
        );
      }
      const locationRef = `file:${target}`;

      // Delivered in-process: the provider has scanned the folder when this resolves.
      await events.publish({
        topic: LOCAL_REPOS_CHANGED_TOPIC,
        eventPayload: { name },
      });
      ctx.logger.info(`Asked the catalog to read ${locationRef}`);

      const credentials = await auth.getOwnServiceCredentials();
      await waitForOwnEntity({
        catalog,
        credentials,
        entityRef,
        annotation: ANNOTATION_LOCATION,
        locationRef,
        source: `the repository '${name}'`,
        waitMs,
        pollMs,
        signal: ctx.signal,
      });
      ctx.logger.info(
        `${entityRef} is in the catalog, read from ${locationRef}`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', `file://${target}`);
    },
  });
}

import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { LocalRepos } from './localRepos';
import { resolveInside } from './inputs';

/**
 * Registers a locally published repository's catalog-info.yaml as a `file` location and
 * waits until the component is in the catalog. Registering the same repository again
 * (a retried task) reuses the existing location: no duplicate location or entity.
 */
export function createRegisterLocalAction(options: {
  repos: LocalRepos;
  catalog: CatalogService;
  /** How long to wait for the catalog to process the new entity. */
  waitMs?: number;
}) {
  const { repos, catalog } = options;
  const waitMs = options.waitMs ?? 60_000;
  return createTemplateAction({
    id: 'ibias:catalog:register-local',
    description:
      'Registers a repository made by ibias:publish:local in the catalog and waits for its entity',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Service name (the repository folder)'),
        catalogInfoPath: z => z.string().default('catalog-info.yaml'),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      repos.assertEnabled();
      const repoDir = repos.repoDir(ctx.input.name);
      // Schema defaults are documentation only: the scaffolder does not apply them.
      const target = resolveInside(
        repoDir,
        ctx.input.catalogInfoPath ?? 'catalog-info.yaml',
      );
      const entityRef = `component:default/${ctx.input.name}`;
      if (ctx.isDryRun) {
        ctx.output('entityRef', entityRef);
        ctx.output('catalogInfoUrl', `file://${target}`);
        return;
      }
      if (!(await fs.stat(target).catch(() => undefined))?.isFile()) {
        throw new InputError(
          `No ${path.basename(
            target,
          )} in ${repoDir}: publish the repository first`,
        );
      }

      const credentials = await ctx.getInitiatorCredentials();
      const locationRef = `file:${target}`;
      const existing = await catalog.getLocationByRef(locationRef, {
        credentials,
      });
      if (existing) {
        ctx.logger.info(`Location ${locationRef} is already registered`);
      } else {
        await catalog.addLocation({ type: 'file', target }, { credentials });
        ctx.logger.info(`Registered ${locationRef}`);
      }

      const deadline = Date.now() + waitMs;
      for (;;) {
        const entity = await catalog.getEntityByRef(entityRef, { credentials });
        if (entity) break;
        if (Date.now() > deadline) {
          throw new Error(
            `The catalog did not list ${entityRef} within ${
              waitMs / 1000
            } s; see the catalog's processing errors for ${locationRef}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
      ctx.logger.info(`${entityRef} is in the catalog`);
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', `file://${target}`);
    },
  });
}

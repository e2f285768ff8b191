import type { AuthService } from '@backstage/backend-plugin-api';
import { ANNOTATION_ORIGIN_LOCATION } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { waitForOwnEntity } from '../catalog/waitForOwnEntity';
import { assertServiceName } from './inputs';
import { choosePublishTarget } from './publishTarget';

/**
 * The URL of the catalog-info.yaml of the repository this task just published, checked
 * against the configured GitHub host and organisation: the only URL the action registers.
 */
export function githubCatalogInfoUrl(
  config: Config,
  name: string,
  repoContentsUrl: string,
) {
  const { githubHost, githubOwner } = choosePublishTarget(config);
  // https, unless the integration's API is plain http (the loopback GitHub of the tests).
  const apiBaseUrl = (
    config.getOptionalConfigArray('integrations.github') ?? []
  )
    .find(c => (c.getOptionalString('host') ?? 'github.com') === githubHost)
    ?.getOptionalString('apiBaseUrl');
  const protocol = apiBaseUrl ? new URL(apiBaseUrl).protocol : 'https:';
  let url: URL;
  try {
    url = new URL(repoContentsUrl);
  } catch {
    throw new InputError(`'${repoContentsUrl}' is not a URL`);
  }
  const [owner, repo, kind, branch, ...rest] = url.pathname
    .split('/')
    .filter(Boolean);
  if (
    url.protocol !== protocol ||
    url.host !== githubHost ||
    owner !== githubOwner ||
    repo !== name ||
    !['blob', 'tree'].includes(kind) ||
    !branch ||
    rest.length > 0 ||
    url.search ||
    url.hash
  ) {
    throw new InputError(
      `Only the catalog-info.yaml of ${githubHost}/${githubOwner}/${name}, the repository this task published, is registered`,
    );
  }
  return `${protocol}//${githubHost}/${owner}/${repo}/${kind}/${branch}/catalog-info.yaml`;
}

/**
 * Registers the catalog-info.yaml of a repository that publish:github just created, with
 * the scaffolder's own credentials: registering locations is for catalog administrators
 * (the IBIAS permission policy), and this action registers exactly one URL, the new
 * repository's. The entity must have been read from that URL; a component of that name
 * defined anywhere else fails the task instead of being linked.
 */
export function createRegisterGithubAction(options: {
  config: Config;
  catalog: CatalogService;
  auth: AuthService;
  /** How long to wait for the catalog to process the new entity. */
  waitMs?: number;
  pollMs?: number;
}) {
  const { config, catalog, auth } = options;
  const waitMs = options.waitMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  return createTemplateAction({
    id: 'ibias:catalog:register-github',
    description:
      'Registers the catalog-info.yaml of the repository publish:github created and waits for its entity',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Service name (the repository name)'),
        repoContentsUrl: z =>
          z.string().describe("publish:github's repoContentsUrl output"),
      },
      output: {
        entityRef: z => z.string(),
        catalogInfoUrl: z => z.string(),
      },
    },
    async handler(ctx) {
      const name = assertServiceName(ctx.input.name);
      const target = githubCatalogInfoUrl(
        config,
        name,
        ctx.input.repoContentsUrl,
      );
      const entityRef = `component:default/${name}`;
      if (ctx.isDryRun) {
        ctx.output('entityRef', entityRef);
        ctx.output('catalogInfoUrl', target);
        return;
      }
      const credentials = await auth.getOwnServiceCredentials();
      const locationRef = `url:${target}`;
      const existing = await catalog.getLocationByRef(locationRef, {
        credentials,
      });
      if (existing) {
        ctx.logger.info(`Location ${locationRef} is already registered`);
      } else {
        await catalog.addLocation({ type: 'url', target }, { credentials });
        ctx.logger.info(`Registered ${locationRef}`);
      }
      // The origin is the location registered here, verbatim (the URL reader may spell
      // the location it read from with tree/ instead of blob/).
      await waitForOwnEntity({
        catalog,
        credentials,
        entityRef,
        annotation: ANNOTATION_ORIGIN_LOCATION,
        locationRef,
        source: target,
        waitMs,
        pollMs,
        signal: ctx.signal,
      });
      ctx.logger.info(`${entityRef} is in the catalog, read from ${target}`);
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', target);
    },
  });
}

import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  RELATION_MEMBER_OF,
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { assertServiceName } from './inputs';
import type { LocalRepos } from './localRepos';
import { choosePublishTarget } from './publishTarget';
import { isRepoOfTask } from './publishLocal';
import { CATALOG_INFO_FILE, realReposRoot } from '../catalog/localCatalogInfo';

/** The characters of an entity name and of a namespace, as the catalog allows them. */
const ENTITY_NAME = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;
const NAMESPACE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * Parses `ref` as a full or short entity ref of one of `kinds` (lower case), with
 * entity-name characters only; throws InputError naming the parameter otherwise.
 * Exported for tests.
 */
export function parseRefOfKind(
  parameter: string,
  ref: string,
  kinds: string[],
): CompoundEntityRef {
  const refused = new InputError(
    `${parameter} must be a ${kinds
      .map(k => `${k}:`)
      .join(' or ')} entity ref such as ${kinds[0]}:default/<name>`,
  );
  if (ref.length > 200) throw refused;
  let parsed: CompoundEntityRef;
  try {
    parsed = parseEntityRef(ref, { defaultNamespace: 'default' });
  } catch {
    throw refused;
  }
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  if (
    !ref.includes(':') ||
    !kinds.includes(kind) ||
    !NAMESPACE.test(parsed.namespace) ||
    parsed.name.length > 63 ||
    !ENTITY_NAME.test(parsed.name)
  ) {
    throw refused;
  }
  return { kind, namespace: parsed.namespace, name: parsed.name };
}

/**
 * Who may make an entity the owner of a new service: a user themselves, the members of a
 * group, and catalog administrators (ibias.permissions.catalogAdmins) any owner. Ownership
 * is what every permission rests on, so nobody hands a team a service the team did not
 * ask for. A task started by a service (no user) is trusted like an administrator.
 * Exported for tests.
 */
export async function assertMayAssignOwner(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  config: Config;
  initiator?: string;
  ownerRef: string;
}) {
  const { catalog, credentials, config, initiator, ownerRef } = options;
  if (!initiator) return;
  const user = stringifyEntityRef(parseEntityRef(initiator));
  if (user === ownerRef) return;
  const admins = config.getOptionalStringArray(
    'ibias.permissions.catalogAdmins',
  ) ?? ['group:default/platform-team'];
  const entity = await catalog.getEntityByRef(user, { credentials });
  const groups = new Set(
    (entity?.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef),
  );
  if (groups.has(ownerRef) || admins.some(a => groups.has(a))) return;
  throw new NotAllowedError(
    `${user} may only create services owned by themselves or by a group they are a member of; ${ownerRef} is neither`,
  );
}

/**
 * The template's first step, before anything is rendered or run: the owner is an
 * existing Group or User, the system an existing System, and the name is free (no
 * `component:default/<name>` in the catalog and, when publishing locally, no repository
 * folder). The catalog is asked with the scaffolder's own credentials, so an entity the
 * initiator may not see still counts as taken. A dry run checks nothing.
 */
export function createPreflightAction(options: {
  catalog: CatalogService;
  auth: AuthService;
  config: Config;
  repos: LocalRepos;
}) {
  const { catalog, auth, config, repos } = options;
  return createTemplateAction({
    id: 'ibias:service:preflight',
    description:
      'Checks that the owner and system exist and that the service name is free, before anything is written',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('Service name'),
        owner: z =>
          z.string().describe('Owner: group:<namespace>/<name> or user:…'),
        system: z => z.string().describe('System: system:<namespace>/<name>'),
      },
      output: {
        owner: z => z.string(),
        system: z => z.string(),
      },
    },
    async handler(ctx) {
      const name = assertServiceName(ctx.input.name);
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: the owner, system and name are not checked');
        ctx.output('owner', ctx.input.owner);
        ctx.output('system', ctx.input.system);
        return;
      }
      const ownerRef = stringifyEntityRef(
        parseRefOfKind('owner', ctx.input.owner, ['group', 'user']),
      );
      const systemRef = stringifyEntityRef(
        parseRefOfKind('system', ctx.input.system, ['system']),
      );
      const credentials = await auth.getOwnServiceCredentials();

      const owner = await catalog.getEntityByRef(ownerRef, { credentials });
      if (!owner || !['group', 'user'].includes(owner.kind.toLowerCase())) {
        throw new InputError(
          `The owner ${ownerRef} is not a Group or User in the catalog`,
        );
      }
      await assertMayAssignOwner({
        catalog,
        credentials,
        config,
        initiator: ctx.user?.ref,
        ownerRef,
      });
      const system = await catalog.getEntityByRef(systemRef, { credentials });
      if (!system || system.kind.toLowerCase() !== 'system') {
        throw new InputError(
          `The system ${systemRef} is not a System in the catalog`,
        );
      }
      // A retry of this task finds its own repository and component: not a conflict.
      const local =
        repos.enabled && choosePublishTarget(config).target === 'local';
      const repoDir = repos.repoDir(name);
      const ownRepo = local && (await isRepoOfTask(repoDir, ctx.task.id));
      const componentRef = `component:default/${name}`;
      const component = await catalog.getEntityByRef(componentRef, {
        credentials,
      });
      if (component) {
        const realRoot = ownRepo ? await realReposRoot(repos.root) : undefined;
        const ownLocation =
          realRoot && `file:${path.join(realRoot, name, CATALOG_INFO_FILE)}`;
        if (
          !ownLocation ||
          component.metadata.annotations?.[ANNOTATION_LOCATION] !== ownLocation
        ) {
          throw new ConflictError(
            `${componentRef} already exists in the catalog; choose another name`,
          );
        }
      }
      if (local && !ownRepo) {
        const taken = await fs
          .lstat(repoDir)
          .then(() => true)
          .catch(() => false);
        if (taken) {
          throw new ConflictError(
            `A local repository named '${name}' already exists; choose another name`,
          );
        }
      }
      ctx.logger.info(
        `${ownerRef} and ${systemRef} exist; the name '${name}' is free`,
      );
      ctx.output('owner', ownerRef);
      ctx.output('system', systemRef);
    },
  });
}

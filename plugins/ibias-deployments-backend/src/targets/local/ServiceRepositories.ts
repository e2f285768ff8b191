import fs from 'node:fs/promises';
import path from 'node:path';
import { parseEntityRef } from '@backstage/catalog-model';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import { GitRepository } from './GitRepository';

/** The only file of a local repository the catalog reads (as its provider does). */
const CATALOG_INFO_FILE = 'catalog-info.yaml';

/** A service name, as ibias:publish:local and the local repositories provider accept it. */
const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Where a service's releases come from, or why the local target has none. */
export type ServiceSource =
  | {
      /** The entity name: builds, logs and config (`releases.<name>`) use it. */
      name: string;
      kind: 'repository' | 'sample';
      repository: GitRepository;
    }
  | { refused: string };

/** A sample's repository, or why it could not be made (see prepareSampleRepository). */
export type SampleRepository = { dir: string } | { problem: string };

export interface ServiceRepositoriesOptions {
  /**
   * ibias.scaffolder.localReposDir: the git repositories of services created in the
   * portal (`<reposDir>/<name>`), read into the catalog by the ibias-local-repos provider.
   */
  reposDir?: string;
  /** The samples (ibias.deployments.local.samples) and their repositories. */
  samples: ReadonlyMap<string, SampleRepository>;
  /**
   * Where the catalog read an entity from, for refs that do not carry it (the engine's,
   * rebuilt from a stored deployment; the restore after a restart).
   */
  locate?(entityRef: string): Promise<TargetRef['locations'] | undefined>;
}

/**
 * The catalog-info.yaml of `<reposDir>/<name>` as the ibias-local-repos provider emits
 * it (plugins/scaffolder-backend-module-ibias/src/catalog/localCatalogInfo.ts): inside the
 * real repositories folder, the folder and the file no symlinks, the file's real path
 * exactly `<realRoot>/<name>/catalog-info.yaml`. Undefined for anything else.
 */
export async function localRepositoryOf(
  reposDir: string,
  name: string,
): Promise<{ dir: string; catalogInfo: string } | undefined> {
  if (name.length < 3 || name.length > 40 || !SERVICE_NAME.test(name)) {
    return undefined;
  }
  const realRoot = await fs.realpath(reposDir).catch(() => undefined);
  if (!realRoot) return undefined;
  const dir = path.join(realRoot, name);
  if (!(await fs.lstat(dir).catch(() => undefined))?.isDirectory()) {
    return undefined;
  }
  const catalogInfo = path.join(dir, CATALOG_INFO_FILE);
  if (!(await fs.lstat(catalogInfo).catch(() => undefined))?.isFile()) {
    return undefined;
  }
  const real = await fs.realpath(catalogInfo).catch(() => undefined);
  return real === catalogInfo ? { dir, catalogInfo } : undefined;
}

/**
 * Finds the git repository whose release tags are a service's versions:
 *
 * - a service created in the portal: `component:default/<name>` whose repository is
 *   `<reposDir>/<name>`, only when the catalog really read the entity from that
 *   repository's catalog-info.yaml (`backstage.io/managed-by-location`, which only the
 *   catalog sets), so no entity defined elsewhere gets another's code;
 * - a sample: `component:default/<name>` for a configured sample name.
 *
 * Nothing else: another kind or namespace never reaches a repository or a sample.
 */
export class ServiceRepositories {
  constructor(private readonly options: ServiceRepositoriesOptions) {}

  async find(ref: TargetRef): Promise<ServiceSource> {
    const { kind, namespace, name } = parseEntityRef(ref.entityRef);
    const lower = name.toLocaleLowerCase('en-US');
    const refusal = (why: string) => ({
      refused: `The local target has no releases for ${ref.entityRef}: ${why}`,
    });
    if (
      kind.toLocaleLowerCase('en-US') !== 'component' ||
      namespace.toLocaleLowerCase('en-US') !== 'default'
    ) {
      return refusal('it deploys Components of the default namespace only');
    }
    const local = this.options.reposDir
      ? await localRepositoryOf(this.options.reposDir, lower)
      : undefined;
    if (local) {
      const locations =
        ref.locations ?? (await this.options.locate?.(ref.entityRef));
      if (locations?.managedBy === `file:${local.catalogInfo}`) {
        const repository = await GitRepository.open(local.dir);
        if (!repository) {
          return refusal(
            `its repository ${lower} in ibias.scaffolder.localReposDir is not a git repository`,
          );
        }
        return { name: lower, kind: 'repository', repository };
      }
    }
    const sample = this.options.samples.get(lower);
    if (sample && 'problem' in sample) {
      return refusal(
        `the sample's repository could not be made (${sample.problem}); see the portal's log`,
      );
    }
    if (sample) {
      const repository = await GitRepository.open(sample.dir);
      if (repository) return { name: lower, kind: 'sample', repository };
      return refusal(`the sample's repository is missing; restart the portal`);
    }
    if (local) {
      return refusal(
        `the catalog did not read it from the repository ${lower} in ibias.scaffolder.localReposDir, so that repository's releases are not its releases`,
      );
    }
    return refusal(
      `it is neither a service created in the portal (a git repository ${lower} in ibias.scaffolder.localReposDir, read into the catalog) nor a sample (ibias.deployments.local.samples). Create services with an IBIAS template (Create → IBIAS service), or add ${lower} to ibias.deployments.local.samples`,
    );
  }
}

import path from 'node:path';
import type { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import { assertServiceName, resolveInside } from './inputs';

/** Where local repositories live and whether local publishing is allowed. */
export interface LocalRepos {
  enabled: boolean;
  root: string;
  /** The folder for one service's repository, validated. */
  repoDir(name: string): string;
  assertEnabled(): void;
}

export function readLocalRepos(config: Config): LocalRepos {
  const enabled =
    config.getOptionalBoolean('ibias.scaffolder.localPublishing') ?? false;
  const root = path.resolve(
    config.getOptionalString('ibias.scaffolder.localReposDir') ?? 'repos',
  );
  return {
    enabled,
    root,
    repoDir: name => resolveInside(root, assertServiceName(name)),
    assertEnabled() {
      if (!enabled) {
        throw new NotAllowedError(
          'Local publishing is disabled (ibias.scaffolder.localPublishing); configure a GitHub integration instead',
        );
      }
    },
  };
}

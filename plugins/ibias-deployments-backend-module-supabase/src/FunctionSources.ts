import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '@backstage/errors';
import type {
  GithubReleaseTags,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import type { FunctionSourceFile } from './SupabaseManagementClient';

/** The entry point every version's directory must have. */
export const ENTRYPOINT = 'index.ts';

/** Release tags only: 1.2.0 or v1.2.0, no pre-releases or branches. */
const RELEASE = /^v?(\d+)\.(\d+)\.(\d+)$/;

function releaseParts(version: string): number[] | undefined {
  const m = RELEASE.exec(version);
  return m ? m.slice(1).map(Number) : undefined;
}

/**
 * The versions under `sourceDir`: directories named like release tags, newest first.
 * A missing directory has none.
 */
export async function listSourceVersions(sourceDir: string): Promise<string[]> {
  const entries = await readdir(sourceDir, { withFileTypes: true }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    },
  );
  return entries
    .filter(e => e.isDirectory() && releaseParts(e.name))
    .map(e => e.name)
    .sort((a, b) => {
      const pa = releaseParts(a)!;
      const pb = releaseParts(b)!;
      for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i];
      return a < b ? -1 : 1;
    });
}

/** The files of `<sourceDir>/<version>/`, named relative to it with `/`. */
export async function readSourceFiles(
  sourceDir: string,
  version: string,
): Promise<FunctionSourceFile[]> {
  if (!releaseParts(version)) {
    throw new Error(`${version} is not a release version`);
  }
  const root = join(sourceDir, version);
  const isDir = await stat(root).then(
    s => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new Error(`No sources for version ${version}`);
  const files: FunctionSourceFile[] = [];
  async function walk(dir: string) {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else if (e.isFile()) {
        files.push({
          name: relative(root, path).split(sep).join('/'),
          content: new Uint8Array(await readFile(path)),
        });
      }
    }
  }
  await walk(root);
  if (!files.some(f => f.name === ENTRYPOINT)) {
    throw new Error(`Version ${version} has no ${ENTRYPOINT}`);
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * The `ezbr_sha256` the Supabase loopback reports for these sources (the sha256 of its
 * deterministic archive). The real API hashes the eszip it builds, which cannot be
 * computed here: against it this never matches, and deploys are simply repeated.
 */
export function loopbackBundleSha256(files: FunctionSourceFile[]): string {
  const archive = JSON.stringify({
    format: 'ibias-supabase-loopback-bundle/1',
    entrypoint_path: ENTRYPOINT,
    import_map_path: null,
    files: [...files]
      .sort((a, b) => {
        if (a.name === b.name) return 0;
        return a.name < b.name ? -1 : 1;
      })
      .map(f => ({
        name: f.name,
        content_base64: Buffer.from(f.content).toString('base64'),
      })),
  });
  return createHash('sha256').update(archive).digest('hex');
}

/** Where a function's versions and their files come from. */
export interface FunctionSource {
  versions(ref: TargetRef): Promise<string[]>;
  files(ref: TargetRef, version: string): Promise<FunctionSourceFile[]>;
}

/** `<dir>/<version>/`: version folders on the portal's disk. */
export class DirectorySource implements FunctionSource {
  constructor(private readonly dir: string) {}
  versions() {
    return listSourceVersions(this.dir);
  }
  files(_ref: TargetRef, version: string) {
    return readSourceFiles(this.dir, version);
  }
}

/**
 * The function's folder in the service's repository at each release tag, through the
 * GitHub integration: the repository from config, else the entity's
 * `backstage.io/source-location` as the catalog says.
 */
export class GithubSource implements FunctionSource {
  constructor(
    private readonly o: {
      releases: Pick<GithubReleaseTags, 'repository' | 'versions' | 'filesAt'>;
      /** The function's folder, e.g. `supabase/functions/ai-recommendations`. */
      path: string;
      /** A repository URL from config (`https://github.com/ibias/ibias`). */
      repository?: string;
      /** Where the catalog says an entity's source lives. */
      locate?: (entityRef: string) => Promise<{ source?: string } | undefined>;
    },
  ) {}

  private async repository(ref: TargetRef) {
    const location = this.o.repository
      ? `url:${this.o.repository}`
      : ref.locations?.source ?? (await this.o.locate?.(ref.entityRef))?.source;
    const repository = this.o.releases.repository(location);
    if (!repository) {
      throw new InputError(
        `The sources of ${ref.service}'s function are not in a repository a GitHub integration covers (its source location, or ibias.deployments.supabase.projects.${ref.service}.source.repository)`,
      );
    }
    return repository;
  }

  async versions(ref: TargetRef) {
    return this.o.releases.versions(await this.repository(ref));
  }

  async files(ref: TargetRef, version: string) {
    const files = await this.o.releases.filesAt(
      await this.repository(ref),
      version,
      this.o.path,
    );
    if (!files.some(f => f.name === ENTRYPOINT)) {
      throw new Error(
        `Version ${version} has no ${ENTRYPOINT} in ${this.o.path}`,
      );
    }
    return files;
  }
}

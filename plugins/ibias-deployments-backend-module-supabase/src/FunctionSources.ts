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
 * The function's folder at each release tag of the repository config names (never the
 * entity's `backstage.io/source-location`, which the entity's author may set), through
 * the GitHub integration. Pre-releases are left out: a side slug is named by the
 * version's digits.
 */
export class GithubSource implements FunctionSource {
  constructor(
    private readonly o: {
      releases: Pick<GithubReleaseTags, 'repository' | 'versions' | 'filesAt'>;
      /** The function's folder, e.g. `supabase/functions/ai-recommendations`. */
      path: string;
      /** The repository's URL (`https://github.com/ibias/ibias`). */
      repository: string;
    },
  ) {}

  private repository(ref: TargetRef) {
    const repository = this.o.releases.repository(`url:${this.o.repository}`);
    if (!repository) {
      throw new InputError(
        `ibias.deployments.supabase.projects.${ref.service}.source.repository is not a repository a GitHub integration covers`,
      );
    }
    return repository;
  }

  async versions(ref: TargetRef) {
    return (await this.o.releases.versions(this.repository(ref))).filter(v =>
      releaseParts(v),
    );
  }

  async files(ref: TargetRef, version: string) {
    if (!releaseParts(version)) {
      throw new InputError(`${version} is not a release version`);
    }
    const files = await this.o.releases.filesAt(
      this.repository(ref),
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

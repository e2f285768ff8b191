import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  compareReleases,
  isReleaseTag,
} from '@internal/plugin-ibias-deployments-common';
import { GitCommandError, runTool } from './GitRepository';

/** The release the sample's own folder is: what its template renders. */
export const SAMPLE_BASE_RELEASE = '1.0.0';

/** Written into the sample repository's git folder: what it was made from. */
const FINGERPRINT_FILE = 'ibias-sample-source';

/** Bumped when the way a sample repository is made changes, so old ones are remade. */
const FORMAT = 'ibias-sample-repository/1';

/** Build output and installs are never part of a sample's source. */
const SKIPPED = new Set(['node_modules', 'dist', '.next', '.git']);

/** Commits of a sample are the same bytes on every machine: fixed author and dates. */
function commitEnv(index: number): Record<string, string> {
  const date = new Date(Date.UTC(2026, 0, 1, index)).toISOString();
  return {
    GIT_AUTHOR_NAME: 'IBIAS Portal',
    GIT_AUTHOR_EMAIL: 'portal@ibias.example',
    GIT_COMMITTER_NAME: 'IBIAS Portal',
    GIT_COMMITTER_EMAIL: 'portal@ibias.example',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  };
}

/** A sample that could not be made into a repository (e.g. a patch that no longer applies). */
export class SampleRepositoryError extends Error {}

export interface SampleSource {
  name: string;
  /** servicesDir/<name>: the sample as its template renders it (release 1.0.0). */
  source: string;
  /** releasesDir/<name>: `<version>.patch`, each on top of the release before it. */
  patches: string;
}

/** The patches of a sample, oldest release first: `[version, file]`. */
export async function samplePatches(
  dir: string,
): Promise<Array<[string, string]>> {
  const names = await fs.readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const patches: Array<[string, string]> = [];
  for (const name of names) {
    if (!name.endsWith('.patch')) continue;
    const version = name.slice(0, -'.patch'.length);
    if (
      !isReleaseTag(version) ||
      compareReleases(version, SAMPLE_BASE_RELEASE) <= 0
    ) {
      throw new SampleRepositoryError(
        `${name} is not named <version>.patch for a release after ${SAMPLE_BASE_RELEASE}`,
      );
    }
    patches.push([version, path.join(dir, name)]);
  }
  return patches.sort(([a], [b]) => compareReleases(a, b));
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(root, full)));
    else out.push(path.relative(root, full));
  }
  return out.sort();
}

/** What the repository is made from: every source file (path, mode, bytes) and patch. */
async function fingerprint(
  sample: SampleSource,
  patches: Array<[string, string]>,
) {
  const hash = createHash('sha256').update(FORMAT);
  for (const file of await listFiles(sample.source)) {
    const full = path.join(sample.source, file);
    const stat = await fs.lstat(full);
    hash.update(`\0${file}\0${stat.mode}\0`);
    hash.update(
      stat.isSymbolicLink() ? await fs.readlink(full) : await fs.readFile(full),
    );
  }
  for (const [version, file] of patches) {
    hash.update(`\0patch ${version}\0`).update(await fs.readFile(file));
  }
  return hash.digest('hex');
}

/**
 * Makes (or reuses, when nothing it is made from changed) the git repository of a sample
 * under `reposDir/<name>`: the sample's folder committed and tagged `1.0.0`, then each
 * `<version>.patch` applied, committed and tagged in release order, so every tag holds
 * the code of that release. Commits are reproducible (fixed author and dates), so a
 * remade repository has the same commits and their builds stay valid. Returns the
 * repository's folder; throws SampleRepositoryError naming the patch that did not apply.
 */
export async function prepareSampleRepository(
  sample: SampleSource,
  reposDir: string,
): Promise<string> {
  const patches = await samplePatches(sample.patches);
  const want = await fingerprint(sample, patches);
  const repoDir = path.join(reposDir, sample.name);
  const have = await fs
    .readFile(path.join(repoDir, '.git', FINGERPRINT_FILE), 'utf8')
    .catch(() => undefined);
  if (have?.trim() === want) return repoDir;

  await fs.mkdir(reposDir, { recursive: true });
  // Made beside the old one and renamed, so a crash never leaves half a repository.
  const staging = `${repoDir}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await fs.cp(sample.source, staging, {
      recursive: true,
      filter: src => !SKIPPED.has(path.basename(src)),
    });
    const git = (args: string[], index = 0) =>
      runTool('git', args, { cwd: staging, env: commitEnv(index) });
    await git(['init', '--quiet', '--initial-branch=main']);
    await git(['add', '--all']);
    await git([
      'commit',
      '--quiet',
      '--message',
      `${sample.name} ${SAMPLE_BASE_RELEASE}`,
    ]);
    await git(['tag', SAMPLE_BASE_RELEASE]);
    let previous = SAMPLE_BASE_RELEASE;
    for (const [i, [version, patch]] of patches.entries()) {
      try {
        await git(['apply', '--index', '--whitespace=nowarn', patch]);
      } catch (e) {
        throw new SampleRepositoryError(
          `releases/${sample.name}/${version}.patch does not apply to ${
            sample.name
          } ${previous}${
            e instanceof GitCommandError
              ? ` (git apply exit ${e.exitCode})`
              : ''
          }`,
        );
      }
      await git(
        ['commit', '--quiet', '--message', `${sample.name} ${version}`],
        i + 1,
      );
      await git(['tag', version]);
      previous = version;
    }
    await fs.writeFile(path.join(staging, '.git', FINGERPRINT_FILE), want);
    await fs.rm(repoDir, { recursive: true, force: true });
    await fs.rename(staging, repoDir);
    return repoDir;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { untrustedEnv } from '@internal/ibias-service-runner';
import {
  isReleaseTag,
  releasesNewestFirst,
} from '@internal/plugin-ibias-deployments-common';

/** A git or tar command that failed: which one and its exit code, never its output. */
export class GitCommandError extends Error {
  constructor(readonly command: string, readonly exitCode: number | string) {
    super(`${command} failed (exit ${exitCode})`);
  }
}

/**
 * Runs git (or tar) with none of the portal's secrets, no system or user configuration,
 * and, for git, hooks and fsmonitor switched off: a repository someone pushed to only
 * ever gets read, never gets to run anything. Arguments go to execFile, never a shell.
 */
export function runTool(
  command: 'git' | 'tar',
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const argv =
    command === 'git'
      ? [
          '-c',
          'core.hooksPath=/dev/null',
          '-c',
          'core.fsmonitor=false',
          ...args,
        ]
      : args;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      argv,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
        env: untrustedEnv({
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: os.devNull,
          GIT_TERMINAL_PROMPT: '0',
          ...options.env,
        }),
      },
      (error, stdout) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const name =
          command === 'git'
            ? `git ${args.find(a => !a.startsWith('-')) ?? ''}`.trim()
            : command;
        const code = (error as { code?: number | string | null }).code;
        reject(
          new GitCommandError(
            name,
            error.killed ? 'timeout' : code ?? error.signal ?? 'unknown',
          ),
        );
      },
    );
  });
}

/**
 * A service's git repository, read only: its release tags (see RELEASE_TAG_PATTERN),
 * the commit each names, and the tree of a commit exported into a folder. The git
 * folder is named explicitly (`--git-dir`), so a folder that is not a repository never
 * falls through to a repository around it.
 */
export class GitRepository {
  private constructor(readonly dir: string, private readonly gitDir: string) {}

  /** The repository in `dir`, or undefined unless `dir/.git` is a real folder. */
  static async open(dir: string): Promise<GitRepository | undefined> {
    const gitDir = path.join(dir, '.git');
    const stat = await fs.lstat(gitDir).catch(() => undefined);
    return stat?.isDirectory() ? new GitRepository(dir, gitDir) : undefined;
  }

  private git(args: string[]) {
    return runTool('git', [`--git-dir=${this.gitDir}`, ...args], {
      cwd: this.dir,
    });
  }

  /** The release tags, newest first (read on every call: a pushed tag shows at once). */
  async releases(): Promise<string[]> {
    const out = await this.git(['tag', '--list']);
    return releasesNewestFirst(out.split('\n').map(t => t.trim()));
  }

  /** The commit the release tag names, or undefined when there is no such release. */
  async commitOf(version: string): Promise<string | undefined> {
    // Validated before it reaches git: a release name is never an option or a revision
    // expression.
    if (!isReleaseTag(version)) return undefined;
    try {
      const out = await this.git([
        'rev-parse',
        '--verify',
        '--quiet',
        `refs/tags/${version}^{commit}`,
      ]);
      const commit = out.trim();
      return /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
    } catch (e) {
      if (e instanceof GitCommandError && e.exitCode === 1) return undefined;
      throw e;
    }
  }

  /**
   * Writes the tree of `commit` into the empty folder `into` (`git archive`, then tar):
   * no checkout in the repository, no hook, nothing of the repository's own folder.
   */
  async exportTree(commit: string, into: string): Promise<void> {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) {
      throw new Error(`Not a commit id: ${commit.slice(0, 80)}`);
    }
    const archive = path.join(
      path.dirname(into),
      `.${path.basename(into)}.tar`,
    );
    try {
      await this.git([
        'archive',
        '--format=tar',
        `--output=${archive}`,
        commit,
      ]);
      await runTool(
        'tar',
        ['-x', '-f', archive, '-C', into, '--no-same-owner'],
        { cwd: into },
      );
    } finally {
      await fs.rm(archive, { force: true });
    }
  }
}

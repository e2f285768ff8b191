import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

const run = promisify(execFile);
/** The repository's own script: this package sits at packages/test-utils. */
const SCRIPT = resolvePackagePath(
  '@internal/ibias-test-utils',
  '../../scripts/github-loopback.mjs',
);
const TOKEN = 'e2e-token';
const ORG = 'ibias-e2e';

/**
 * scripts/github-loopback.mjs on a free port for one test: GitHub's REST API shape and
 * real git over smart HTTP into bare repositories, so a test pushes tags as a developer
 * would (`git push --tags`) and reads them back through the API.
 */
export async function startGithubLoopback() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gh-loopback-test-'));
  const child = spawn(
    process.execPath,
    [SCRIPT, '0', path.join(dir, 'remote')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GITHUB_LOOPBACK_TOKEN: TOKEN,
        GITHUB_LOOPBACK_ORG: ORG,
      },
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`GitHub loopback did not start: ${output}`)),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /GitHub loopback on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`GitHub loopback exited (${code}): ${output}`));
    });
  });
  const host = new URL(url).host;
  const git = (cwd: string, ...args: string[]) =>
    run(
      'git',
      ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args],
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
    );
  const stopped = new Promise<void>(r => child.once('exit', () => r()));

  return {
    url,
    host,
    token: TOKEN,
    org: ORG,
    /** The integration config that reaches this loopback. */
    integration: { host, apiBaseUrl: `${url}/api/v3`, token: TOKEN },
    /** The annotation the catalog sets for a repository's entity. */
    sourceLocation: (repo: string) => `url:${url}/${ORG}/${repo}/tree/main/`,
    async createRepository(name: string) {
      const res = await fetch(`${url}/api/v3/orgs/${ORG}/repos`, {
        method: 'POST',
        headers: {
          Authorization: `token ${TOKEN}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ name }),
      });
      if (res.status !== 201) {
        throw new Error(`creating ${name}: ${res.status} ${await res.text()}`);
      }
      const work = path.join(dir, 'work', name);
      await fs.mkdir(work, { recursive: true });
      await git(work, 'init', '-q', '-b', 'main');
      const remote = `http://x-access-token:${TOKEN}@${host}/${ORG}/${name}.git`;
      await git(work, 'remote', 'add', 'origin', remote);
      return {
        /** A new commit, tagged with each of `tags`, pushed with `git push --tags`. */
        async release(...tags: string[]) {
          await this.commit({}, ...tags);
        },
        /**
         * Writes `files` (path → content) into the working tree, commits, tags the commit
         * with each of `tags` and pushes them with `git push --tags`.
         */
        async commit(files: Record<string, string>, ...tags: string[]) {
          for (const [file, content] of Object.entries(files)) {
            await fs.mkdir(path.dirname(path.join(work, file)), {
              recursive: true,
            });
            await fs.writeFile(path.join(work, file), content);
          }
          await git(work, 'add', '-A');
          await git(
            work,
            'commit',
            '-q',
            '--allow-empty',
            '-m',
            `release ${tags.join(' ')}`,
          );
          for (const tag of tags) await git(work, 'tag', tag);
          await git(work, 'push', '-q', 'origin', 'main', '--tags');
        },
      };
    },
    /** What the loopback was asked (`METHOD /path status`). */
    async requests(): Promise<string[]> {
      return (await (await fetch(`${url}/_loopback/state`)).json()).requests;
    },
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await stopped;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export type GithubLoopback = Awaited<ReturnType<typeof startGithubLoopback>>;

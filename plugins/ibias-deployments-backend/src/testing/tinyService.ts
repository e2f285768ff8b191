import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A tiny sample: /env shows what it was given, /code which release's code it runs (the
// `code.json` of its tag), FAIL=1 makes API calls answer 500, and it passes the local
// target's health checks and smoke tests (the IBIAS service probe's baseline).
const server = `
const http = require('node:http');
const code = require('./code.json');
http
  .createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "default-src 'none'");
    res.setHeader('strict-transport-security', 'max-age=63072000');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (req.url === '/env') return res.end(JSON.stringify(process.env));
    if (req.url === '/code') return res.end(JSON.stringify(code));
    if (req.url === '/metrics')
      return res.end('# TYPE http_request_duration_seconds histogram\\nhttp_request_duration_seconds_count 1\\nprocess_cpu_user_seconds_total 1\\n');
    if (req.url === '/health' || req.url === '/ready')
      return res.end(JSON.stringify({ status: 'ok', version: process.env.SERVICE_VERSION }));
    res.statusCode = process.env.FAIL === '1' ? 500 : 200;
    res.end(JSON.stringify({ pid: process.pid, version: process.env.SERVICE_VERSION, code: code.release }));
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

export interface TinyServiceOptions {
  /** What /code answers: the release this code is (default 1.0.0). */
  release?: string;
  /** package.json's start script (default `node dist/src/server.js`, as the templates). */
  start?: string;
  /** Where the build appends `start`/`end` lines with times (tests of build order). */
  buildLog?: string;
  /** The build writes this to stderr and exits with this code (a broken release). */
  fail?: { code: number; output: string };
}

/**
 * Writes a tiny real service into `dir` (no dependencies, so `npm ci` is quick) for the
 * local target's tests; its build writes the server the target starts.
 */
export function writeTinyService(
  dir: string,
  options: TinyServiceOptions = {},
) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: 'tiny', version: '1.0.0', private: true };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      ...pkg,
      scripts: {
        build: 'node build.js',
        start:
          options.start ?? 'npm run build --silent && node dist/src/server.js',
      },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({
      ...pkg,
      lockfileVersion: 3,
      requires: true,
      packages: { '': pkg },
    }),
  );
  fs.writeFileSync(
    path.join(dir, 'code.json'),
    JSON.stringify({ release: options.release ?? '1.0.0' }),
  );
  const log = (line: string) =>
    options.buildLog
      ? `fs.appendFileSync(${JSON.stringify(
          options.buildLog,
        )}, ${line} + ' ' + Date.now() + '\\n');`
      : '';
  // The build records what environment it ran with (an install script could read it).
  fs.writeFileSync(
    path.join(dir, 'build.js'),
    `const fs = require('node:fs');
${log(JSON.stringify('start'))}
${
  options.fail
    ? `process.stderr.write(${JSON.stringify(
        options.fail.output,
      )}); process.exit(${options.fail.code});`
    : ''
}
const until = Date.now() + ${options.buildLog ? 300 : 0};
while (Date.now() < until) {}
fs.mkdirSync('dist/src', { recursive: true });
fs.writeFileSync('dist/build-env.json', JSON.stringify(process.env));
fs.copyFileSync('code.json', 'dist/src/code.json');
fs.writeFileSync('dist/src/server.js', ${JSON.stringify(server)});
fs.copyFileSync('dist/src/server.js', 'dist/other.js');
fs.copyFileSync('code.json', 'dist/code.json');
${log(JSON.stringify('end'))}`,
  );
}

/** git in a test repository, with an identity and none of the machine's configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@ibias.example',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@ibias.example',
    },
  }).trim();
}

/** Writes the tiny service for `release` into the repository, commits and tags it. */
export function tagTinyRelease(
  dir: string,
  release: string,
  options: Omit<TinyServiceOptions, 'release'> = {},
) {
  writeTinyService(dir, { ...options, release });
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '--message', release);
  git(dir, 'tag', '--force', release);
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * A repository as ibias:publish:local makes it (branch main, a catalog-info.yaml, pushes
 * update the work tree) with the tiny service tagged once per release, in order.
 */
export function createTinyRepository(dir: string, releases: string[]) {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'config', 'receive.denyCurrentBranch', 'updateInstead');
  fs.writeFileSync(
    path.join(dir, 'catalog-info.yaml'),
    'apiVersion: backstage.io/v1alpha1\nkind: Component\n',
  );
  for (const release of releases) tagTinyRelease(dir, release);
}

/**
 * Writes `<dir>/<to>.patch`: the tiny service's code.json going from release `from` to
 * `to`, as a sample's releases are kept (services/releases/<name>/<version>.patch).
 */
export function writeTinyReleasePatch(dir: string, from: string, to: string) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `${to}.patch`),
    [
      'diff --git a/code.json b/code.json',
      '--- a/code.json',
      '+++ b/code.json',
      '@@ -1 +1 @@',
      `-{"release":"${from}"}`,
      '\\ No newline at end of file',
      `+{"release":"${to}"}`,
      '\\ No newline at end of file',
      '',
    ].join('\n'),
  );
}

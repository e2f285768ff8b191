import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readLocalRepos } from './localRepos';
import { createPublishLocalAction } from './publishLocal';

function setup(enabled = true) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-publish-'));
  const workspacePath = path.join(tmp, 'workspace');
  fs.mkdirSync(path.join(workspacePath, 'node_modules', 'x'), {
    recursive: true,
  });
  fs.writeFileSync(path.join(workspacePath, 'README.md'), '# demo\n');
  fs.writeFileSync(path.join(workspacePath, 'node_modules', 'x', 'i.js'), '');
  const repos = readLocalRepos(
    new ConfigReader({
      ibias: {
        scaffolder: {
          localPublishing: enabled,
          localReposDir: path.join(tmp, 'repos'),
        },
      },
    }),
  );
  return {
    tmp,
    workspacePath,
    repos,
    action: createPublishLocalAction({ repos }),
  };
}

function context(
  workspacePath: string,
  input: object,
  taskId = 'task-1',
  isDryRun = false,
) {
  const checkpoints = new Map<string, unknown>();
  // createMockActionContext leaves out isDryRun and keeps no checkpoints; add both, the
  // checkpoint storing results per key as the real one does, so a retry skips done work.
  return {
    ...createMockActionContext({
      input: input as any,
      workspacePath,
      task: { id: taskId },
    }),
    isDryRun,
    checkpoint: (async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<unknown>;
    }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key);
    }) as any,
  };
}

/** git as a developer runs it: an identity, none of the machine's configuration. */
function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@ibias.example',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@ibias.example',
    },
  }).trim();
}

/** A push that may be refused: its exit status. */
function push(cwd: string, ...args: string[]) {
  return spawnSync('git', ['push', '--quiet', ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: cwd,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
    },
  }).status;
}

/** Every file under `dir` (for "nothing outside changed"). */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('ibias:publish:local', () => {
  it('creates a git repository with one commit and no node_modules', async () => {
    const { workspacePath, repos, action } = setup();
    const ctx = context(workspacePath, { name: 'demo-svc', sourcePath: '.' });
    await action.handler(ctx);
    const repo = path.join(repos.root, 'demo-svc');
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${repo}`);
    const log = execFileSync('git', ['log', '--oneline'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(log.trim().split('\n')).toHaveLength(1);
    expect(log).toContain('Create demo-svc from the IBIAS Portal');
    const files = execFileSync('git', ['ls-files'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(files.trim().split('\n')).toEqual(['README.md']);
    expect(
      execFileSync('git', ['branch', '--show-current'], {
        cwd: repo,
        encoding: 'utf8',
      }).trim(),
    ).toBe('main');
  });

  it('tags the first commit 1.0.0, or the version the template passes', async () => {
    const { workspacePath, repos, action } = setup();
    await action.handler(context(workspacePath, { name: 'demo-svc' }));
    expect(git(path.join(repos.root, 'demo-svc'), 'tag', '--list')).toBe(
      '1.0.0',
    );
    const ctx = context(
      workspacePath,
      { name: 'other-svc', version: '0.1.0-rc.1' },
      'task-2',
    );
    await action.handler(ctx);
    const repo = path.join(repos.root, 'other-svc');
    expect(git(repo, 'tag', '--list')).toBe('0.1.0-rc.1');
    expect(git(repo, 'rev-parse', '0.1.0-rc.1^{commit}')).toBe(
      git(repo, 'rev-parse', 'HEAD'),
    );
    expect(ctx.output).toHaveBeenCalledWith('version', '0.1.0-rc.1');
  });

  it.each(['1.0', 'v1.0.0', '--upload-pack=x', '1.0.0 ', 'HEAD'])(
    'refuses the version %j before writing anything',
    async version => {
      const { workspacePath, repos, action } = setup();
      await expect(
        action.handler(context(workspacePath, { name: 'demo-svc', version })),
      ).rejects.toThrow(
        /^Invalid version .*: use a release version like 1\.0\.0$/,
      );
      expect(fs.existsSync(repos.root)).toBe(false);
    },
  );

  it('takes a developer’s push of a commit and a tag, as any remote: the work tree follows', async () => {
    const { tmp, workspacePath, repos, action } = setup();
    await action.handler(context(workspacePath, { name: 'demo-svc' }));
    const repo = path.join(repos.root, 'demo-svc');
    const clone = path.join(tmp, 'clone');
    git(tmp, 'clone', '--quiet', repo, clone);
    fs.writeFileSync(path.join(clone, 'CHANGELOG.md'), '# 1.1.0\n');
    git(clone, 'add', 'CHANGELOG.md');
    git(clone, 'commit', '--quiet', '-m', 'Release 1.1.0');
    git(clone, 'tag', '1.1.0');
    expect(push(clone, '--tags', 'origin', 'main')).toBe(0);
    expect(git(repo, 'tag', '--list').split('\n')).toEqual(['1.0.0', '1.1.0']);
    expect(fs.readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8')).toBe(
      '# 1.1.0\n',
    );
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('a push cannot touch anything outside the repository, nor its git folder', async () => {
    const { tmp, workspacePath, repos, action } = setup();
    await action.handler(context(workspacePath, { name: 'demo-svc' }));
    const repo = path.join(repos.root, 'demo-svc');
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'keep');
    const clone = path.join(tmp, 'clone');
    git(tmp, 'clone', '--quiet', repo, clone);

    // A symlink to a folder outside, then a commit that writes "through" it.
    fs.symlinkSync(outside, path.join(clone, 'escape'));
    git(clone, 'add', 'escape');
    git(clone, 'commit', '--quiet', '-m', 'link');
    expect(push(clone, 'origin', 'main')).toBe(0);
    fs.rmSync(path.join(clone, 'escape'));
    fs.mkdirSync(path.join(clone, 'escape'));
    fs.writeFileSync(path.join(clone, 'escape', 'pwned.txt'), 'pwned');
    git(clone, 'add', '--all');
    git(clone, 'commit', '--quiet', '-m', 'through the link');
    expect(push(clone, 'origin', 'main')).toBe(0);
    expect(tree(outside)).toEqual(['keep.txt']);
    expect(fs.lstatSync(path.join(repo, 'escape')).isDirectory()).toBe(true);

    // Hand-made trees with a `.git` folder (a hook) or a `..` entry: refused on receive.
    const hooksBefore = tree(path.join(repo, '.git', 'hooks'));
    const blob = git(clone, 'hash-object', '-w', '--stdin');
    const mktree = (entries: string) =>
      execFileSync('git', ['mktree'], { cwd: clone, input: entries })
        .toString()
        .trim();
    const hooks = mktree(`100755 blob ${blob}\tpost-update\n`);
    const dotGit = mktree(
      `040000 tree ${mktree(`040000 tree ${hooks}\thooks\n`)}\t.git\n`,
    );
    const dotDot = mktree(`100644 blob ${blob}\t..\n`);
    for (const [i, bad] of [dotGit, dotDot].entries()) {
      const commit = git(
        clone,
        'commit-tree',
        bad,
        '-p',
        'HEAD',
        '-m',
        `evil ${i}`,
      );
      expect(push(clone, 'origin', `${commit}:refs/heads/main`)).not.toBe(0);
      expect(push(clone, 'origin', `${commit}:refs/heads/other`)).not.toBe(0);
    }
    expect(tree(path.join(repo, '.git', 'hooks'))).toEqual(hooksBefore);
    expect(tree(outside)).toEqual(['keep.txt']);
    expect(fs.readdirSync(tmp).sort()).toEqual(
      ['clone', 'outside', 'repos', 'workspace'].sort(),
    );
  });

  it('is idempotent when the same task retries', async () => {
    const { workspacePath, repos, action } = setup();
    await action.handler(
      context(workspacePath, { name: 'demo-svc', sourcePath: '.' }),
    );
    const retry = context(workspacePath, { name: 'demo-svc', sourcePath: '.' });
    await action.handler(retry);
    const repo = path.join(repos.root, 'demo-svc');
    const log = execFileSync('git', ['log', '--oneline'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(log.trim().split('\n')).toHaveLength(1);
    expect(retry.output).toHaveBeenCalledWith('repoPath', repo);
  });

  it('refuses to overwrite a repository another task created', async () => {
    const { workspacePath, repos, action } = setup();
    await action.handler(
      context(workspacePath, { name: 'demo-svc', sourcePath: '.' }),
    );
    const before = fs.readdirSync(path.join(repos.root, 'demo-svc'));
    await expect(
      action.handler(
        context(workspacePath, { name: 'demo-svc', sourcePath: '.' }, 'task-2'),
      ),
    ).rejects.toThrow(/already exists/);
    expect(fs.readdirSync(path.join(repos.root, 'demo-svc'))).toEqual(before);
  });

  it.each([
    [
      'a path traversal name',
      { name: '../evil', sourcePath: '.' },
      /Invalid service name/,
    ],
    [
      'an invalid entity name',
      { name: 'Bad_Name', sourcePath: '.' },
      /Invalid service name/,
    ],
    [
      'a source outside the workspace',
      { name: 'ok-name', sourcePath: '../..' },
      /outside the workspace/,
    ],
    [
      'an absolute source',
      { name: 'ok-name', sourcePath: '/etc' },
      /not allowed/,
    ],
  ])('fails on %s before writing anything', async (_, input, message) => {
    const { workspacePath, repos, action } = setup();
    await expect(action.handler(context(workspacePath, input))).rejects.toThrow(
      message,
    );
    expect(fs.existsSync(repos.root)).toBe(false);
  });

  it('writes nothing in a dry run', async () => {
    const { workspacePath, repos, action } = setup();
    const ctx = context(
      workspacePath,
      { name: 'demo-svc', sourcePath: '.' },
      'task-1',
      true,
    );
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', 'dry-run');
    expect(fs.existsSync(repos.root)).toBe(false);
  });

  it('is refused when local publishing is disabled', async () => {
    const { workspacePath, action } = setup(false);
    await expect(
      action.handler(
        context(workspacePath, { name: 'demo-svc', sourcePath: '.' }),
      ),
    ).rejects.toThrow(/Local publishing is disabled/);
  });
});

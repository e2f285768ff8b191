import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
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

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { untrustedEnv } from '@internal/ibias-service-runner';
import type { LocalRepos } from './localRepos';
import { assertReleaseVersion, resolveInside } from './inputs';

const exec = promisify(execFile);
/** Written into the repository so a retried task recognises its own repository. */
export const TASK_MARKER = path.join('.git', 'ibias-task-id');
/** The release tag of a new repository's first commit, unless the template says. */
export const INITIAL_RELEASE = '1.0.0';

/** Whether the repository folder was created by the task `taskId` (a retry of it). */
export async function isRepoOfTask(repoDir: string, taskId: string) {
  const owner = await fs
    .readFile(path.join(repoDir, TASK_MARKER), 'utf8')
    .catch(() => '');
  return owner.trim() !== '' && owner.trim() === taskId;
}

/**
 * Runs git on a repository of generated files with a minimal environment: none of the
 * portal's secrets, and no system or user git configuration (hooks paths, credential
 * helpers, signing), so git does only what it is asked.
 */
async function git(cwd: string, args: string[]) {
  const { stdout } = await exec('git', args, {
    cwd,
    timeout: 60_000,
    env: untrustedEnv({
      GIT_AUTHOR_NAME: 'IBIAS Portal',
      GIT_AUTHOR_EMAIL: 'portal@ibias.example',
      GIT_COMMITTER_NAME: 'IBIAS Portal',
      GIT_COMMITTER_EMAIL: 'portal@ibias.example',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: os.devNull,
      GIT_TERMINAL_PROMPT: '0',
    }),
  });
  return stdout.trim();
}

async function exists(p: string) {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/**
 * Publishes the workspace as a real git repository under ibias.scaffolder.localReposDir.
 * Idempotent: a retry of the same task returns the repository it already created; any
 * other task asking for an existing name gets a conflict, and nothing is overwritten.
 */
export function createPublishLocalAction(options: { repos: LocalRepos }) {
  const { repos } = options;
  return createTemplateAction({
    id: 'ibias:publish:local',
    description:
      'Commits the workspace to a new local git repository (the embedded default has no GitHub)',
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z.string().describe('Service name; also the repository folder name'),
        description: z => z.string().optional(),
        sourcePath: z =>
          z
            .string()
            .default('.')
            .describe('Folder in the workspace to publish'),
        version: z =>
          z
            .string()
            .default(INITIAL_RELEASE)
            .describe(
              'The release tag of the first commit: what the deployments plugin lists',
            ),
      },
      output: {
        remoteUrl: z => z.string(),
        repoContentsUrl: z => z.string(),
        repoPath: z => z.string(),
        commitHash: z => z.string(),
        version: z => z.string(),
      },
    },
    async handler(ctx) {
      repos.assertEnabled();
      const repoDir = repos.repoDir(ctx.input.name);
      // Schema defaults are documentation only: the scaffolder does not apply them.
      const source = resolveInside(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
      );
      const version = assertReleaseVersion(
        ctx.input.version ?? INITIAL_RELEASE,
      );

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would create the git repository ${repoDir}`);
        ctx.output('remoteUrl', `file://${repoDir}`);
        ctx.output('repoContentsUrl', `file://${repoDir}`);
        ctx.output('repoPath', repoDir);
        ctx.output('commitHash', 'dry-run');
        ctx.output('version', version);
        return;
      }

      const commitHash = await ctx.checkpoint({
        key: `ibias-publish-local-${ctx.input.name}`,
        fn: async () => {
          if (await exists(repoDir)) {
            if (!(await isRepoOfTask(repoDir, ctx.task.id))) {
              throw new ConflictError(
                `A repository named '${ctx.input.name}' already exists; choose another name`,
              );
            }
            ctx.logger.info(
              `Reusing ${repoDir}, created by this task before a retry`,
            );
            return git(repoDir, ['rev-parse', 'HEAD']);
          }
          await fs.mkdir(repos.root, { recursive: true });
          // Build in a sibling folder and rename, so a crash never leaves half a repository.
          const staging = `${repoDir}.tmp-${ctx.task.id}`;
          await fs.rm(staging, { recursive: true, force: true });
          await fs.cp(source, staging, {
            recursive: true,
            filter: src => !src.split(path.sep).includes('node_modules'),
          });
          await git(staging, ['init', '--quiet', '--initial-branch=main']);
          await fs.writeFile(path.join(staging, TASK_MARKER), ctx.task.id);
          await git(staging, ['add', '--all']);
          await git(staging, [
            'commit',
            '--quiet',
            '--message',
            `Create ${ctx.input.name} from the IBIAS Portal${
              ctx.input.description ? `\n\n${ctx.input.description}` : ''
            }`,
          ]);
          // The first release: the deployments plugin lists a repository's release tags.
          await git(staging, ['tag', version]);
          // A developer clones it, commits, tags and pushes (`git push --tags origin
          // main`) as with any remote: the pushed branch updates the work tree the
          // catalog reads (refused while that tree has changes of its own), and every
          // pushed object is checked (no `..` or `.git` paths in a tree).
          await git(staging, [
            'config',
            'receive.denyCurrentBranch',
            'updateInstead',
          ]);
          await git(staging, ['config', 'receive.fsckObjects', 'true']);
          await fs.rename(staging, repoDir);
          return git(repoDir, ['rev-parse', 'HEAD']);
        },
      });

      ctx.logger.info(
        `Published ${ctx.input.name} to ${repoDir} (${commitHash})`,
      );
      ctx.output('remoteUrl', `file://${repoDir}`);
      ctx.output('repoContentsUrl', `file://${repoDir}`);
      ctx.output('repoPath', repoDir);
      ctx.output('commitHash', commitHash);
      ctx.output('version', version);
    },
  });
}

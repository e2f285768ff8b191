import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A task's workspace `<taskId>` or a step's temporary folder `<taskId>_step-<id>-XXXXXX`. */
const TASK_FOLDER = new RegExp(`^(${UUID})(_step-[\\w.-]+)?$`);
/** A dry run's workspace, step folders and template contents. */
const DRY_RUN_FOLDER = new RegExp(
  `^dry-run-(content-)?${UUID}(_step-[\\w.-]+)?$`,
);
/** ibias:publish:local's staging folder `<name>.tmp-<taskId>` in the repositories folder. */
const STAGING_FOLDER = new RegExp(`^[a-z][a-z0-9-]*\\.tmp-(${UUID})$`);

/** Task states in which a task may still be using its folders. */
const ACTIVE = new Set(['open', 'processing']);

/** The status of each task id the scaffolder knows; unknown ids are missing. */
export type TaskStatusLookup = (
  taskIds: string[],
) => Promise<Map<string, string>>;

/** Reads task states from the scaffolder's own database (the module shares it). */
export function taskStatusFromDatabase(db: Knex): TaskStatusLookup {
  return async taskIds => {
    const statuses = new Map<string, string>();
    for (let i = 0; i < taskIds.length; i += 500) {
      const rows: Array<{ id: string; status: string }> = await db('tasks')
        .whereIn('id', taskIds.slice(i, i + 500))
        .select('id', 'status');
      for (const row of rows) statuses.set(row.id, row.status);
    }
    return statuses;
  };
}

/**
 * Removes what crashed or failed tasks left behind:
 * - under the scaffolder's working directory, task workspaces and step folders whose task
 *   the scaffolder knows and is no longer open or processing (a folder named like a task
 *   that the scaffolder does not know is left alone: the folder may be shared, as /tmp);
 * - dry-run folders older than `dryRunMaxAgeMs` (a dry run lasts seconds);
 * - in the local repositories folder, publish:local's staging folders of finished tasks.
 * Only directories are removed, never a symlink's target; nothing else is touched.
 * Resolves with the paths removed.
 */
export async function sweepWorkFolders(options: {
  workingDirectory: string;
  reposDir?: string;
  taskStatus: TaskStatusLookup;
  logger: LoggerService;
  dryRunMaxAgeMs?: number;
  now?: number;
}): Promise<string[]> {
  const { taskStatus, logger } = options;
  const dryRunMaxAgeMs = options.dryRunMaxAgeMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now();

  const candidates: Array<{ dir: string; taskId?: string }> = [];
  const scan = async (root: string, pattern: RegExp, dryRun: boolean) => {
    const entries = await fs
      .readdir(root, { withFileTypes: true })
      .catch(() => []);
    for (const entry of entries) {
      const match = pattern.exec(entry.name);
      if (!match || !entry.isDirectory()) continue;
      const dir = path.join(root, entry.name);
      if (dryRun) {
        const stat = await fs.lstat(dir).catch(() => undefined);
        if (stat?.isDirectory() && now - stat.mtimeMs > dryRunMaxAgeMs) {
          candidates.push({ dir });
        }
      } else {
        candidates.push({ dir, taskId: match[1] });
      }
    }
  };
  await scan(options.workingDirectory, TASK_FOLDER, false);
  await scan(options.workingDirectory, DRY_RUN_FOLDER, true);
  if (options.reposDir) await scan(options.reposDir, STAGING_FOLDER, false);

  const taskIds = [
    ...new Set(candidates.flatMap(c => (c.taskId ? [c.taskId] : []))),
  ];
  const statuses = taskIds.length > 0 ? await taskStatus(taskIds) : new Map();
  const removed: string[] = [];
  for (const { dir, taskId } of candidates) {
    if (taskId) {
      const status = statuses.get(taskId);
      if (status === undefined || ACTIVE.has(status)) continue;
    }
    // Checked again right before removing: a directory, not a symlink to one.
    const stat = await fs.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    try {
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (error) {
      logger.warn(`Could not remove the work folder ${dir}: ${error}`);
    }
  }
  if (removed.length > 0) {
    logger.info(`Removed ${removed.length} work folders of finished tasks`);
  }
  return removed;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import {
  sweepWorkFolders,
  taskStatusFromDatabase,
  type TaskStatusLookup,
} from './workFolderSweeper';

function folder(root: string, name: string) {
  fs.mkdirSync(path.join(root, name, 'node_modules', 'x'), { recursive: true });
  fs.writeFileSync(path.join(root, name, 'node_modules', 'x', 'f.js'), '');
  return path.join(root, name);
}

function setup(statuses: Record<string, string>) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-sweep-'));
  const work = path.join(tmp, 'work');
  const repos = path.join(tmp, 'repos');
  fs.mkdirSync(work);
  fs.mkdirSync(repos);
  const taskStatus: TaskStatusLookup = jest.fn(async ids => {
    const found = new Map<string, string>();
    for (const id of ids) if (statuses[id]) found.set(id, statuses[id]);
    return found;
  });
  const sweep = (now?: number) =>
    sweepWorkFolders({
      workingDirectory: work,
      reposDir: repos,
      taskStatus,
      logger: mockServices.logger.mock(),
      now,
    });
  return { tmp, work, repos, taskStatus, sweep };
}

describe('sweepWorkFolders', () => {
  const failed = randomUUID();
  const processing = randomUUID();
  const open = randomUUID();
  const completed = randomUUID();
  const cancelled = randomUUID();
  const unknown = randomUUID();
  const statuses = {
    [failed]: 'failed',
    [processing]: 'processing',
    [open]: 'open',
    [completed]: 'completed',
    [cancelled]: 'cancelled',
  };

  it('leaves the folders of open and processing tasks alone', async () => {
    const { work, sweep } = setup(statuses);
    const kept = [
      folder(work, processing),
      folder(work, `${processing}_step-verify-AbC123`),
      folder(work, open),
    ];
    await expect(sweep()).resolves.toEqual([]);
    for (const dir of kept) expect(fs.existsSync(dir)).toBe(true);
  });

  it('leaves a folder named like a task the scaffolder does not know (a shared /tmp)', async () => {
    const { work, sweep } = setup(statuses);
    const dir = folder(work, unknown);
    await expect(sweep()).resolves.toEqual([]);
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('never touches what is not a task folder', async () => {
    const { tmp, work, sweep } = setup(statuses);
    const others = [
      folder(work, 'repos'),
      folder(work, `x${failed}`),
      folder(work, `${failed}.bak`),
      folder(work, failed.toUpperCase()),
      folder(work, `${failed}_other`),
    ];
    fs.writeFileSync(path.join(work, `${completed}_step-x-1`), 'a file');
    // A symlink named like a finished task's folder: neither it nor its target goes.
    const target = folder(tmp, 'precious');
    fs.symlinkSync(target, path.join(work, cancelled));
    await expect(sweep()).resolves.toEqual([]);
    for (const dir of others) expect(fs.existsSync(dir)).toBe(true);
    expect(fs.existsSync(path.join(work, `${completed}_step-x-1`))).toBe(true);
    expect(fs.lstatSync(path.join(work, cancelled)).isSymbolicLink()).toBe(
      true,
    );
    expect(fs.existsSync(path.join(target, 'node_modules', 'x', 'f.js'))).toBe(
      true,
    );
  });

  it('removes the workspaces, step folders and staging folders of finished tasks', async () => {
    const { work, repos, sweep } = setup(statuses);
    const gone = [
      folder(work, failed),
      folder(work, `${failed}_step-verify-Zx81Qa`),
      folder(work, `${completed}_step-fetch-000000`),
      folder(work, cancelled),
      folder(repos, `orders-api.tmp-${failed}`),
    ];
    const kept = [
      folder(repos, 'orders-api'),
      folder(repos, `web-app.tmp-${processing}`),
    ];
    const removed = await sweep();
    expect(removed.sort()).toEqual(gone.sort());
    for (const dir of gone) expect(fs.existsSync(dir)).toBe(false);
    for (const dir of kept) expect(fs.existsSync(dir)).toBe(true);
  });

  it('removes nothing while the database does not answer, and sweeps once it does (issue 11)', async () => {
    const { work, taskStatus, sweep } = setup(statuses);
    const dir = folder(work, failed);
    const down = Object.assign(
      new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      {
        code: 'ECONNREFUSED',
      },
    );
    // A task state it cannot read is never taken for "finished".
    jest.mocked(taskStatus).mockRejectedValueOnce(down);
    await expect(sweep()).rejects.toBe(down);
    expect(fs.existsSync(dir)).toBe(true);
    // The next scheduled sweep, with the database back.
    expect(await sweep()).toEqual([dir]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('removes dry-run folders only once they are an hour old', async () => {
    const { work, sweep } = setup({});
    const dryRun = randomUUID();
    const dirs = [
      folder(work, `dry-run-${dryRun}`),
      folder(work, `dry-run-content-${dryRun}`),
      folder(work, `dry-run-${dryRun}_step-fetch-a1b2c3`),
    ];
    await expect(sweep()).resolves.toEqual([]);
    const removed = await sweep(Date.now() + 61 * 60 * 1000);
    expect(removed.sort()).toEqual(dirs.sort());
  });

  it('asks for each task once, and not at all when there is nothing to sweep', async () => {
    const { work, sweep, taskStatus } = setup(statuses);
    await sweep();
    expect(taskStatus).not.toHaveBeenCalled();
    folder(work, failed);
    folder(work, `${failed}_step-a-1`);
    await sweep();
    expect(taskStatus).toHaveBeenCalledWith([failed]);
  });
});

describe('taskStatusFromDatabase', () => {
  const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

  it.each(databases.eachSupportedId())(
    'reads the status of known tasks from the tasks table, %p',
    async databaseId => {
      const db = await databases.init(databaseId);
      // The columns the sweep reads of the scaffolder's own table.
      await db.schema.createTable('tasks', table => {
        table.uuid('id').primary();
        table.string('status').notNullable();
      });
      const a = randomUUID();
      const b = randomUUID();
      await db('tasks').insert([
        { id: a, status: 'failed' },
        { id: b, status: 'processing' },
      ]);
      const lookup = taskStatusFromDatabase(db);
      const found = await lookup([a, b, randomUUID()]);
      expect(Object.fromEntries(found)).toEqual({
        [a]: 'failed',
        [b]: 'processing',
      });
    },
  );
});

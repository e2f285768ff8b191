import fs from 'node:fs';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import { artifactsDir, dataDir, guestToken } from './helpers';

// Crash recovery: @before-crash starts a scaffolder task and waits until its verification
// gate works, then starts a canary deploy and waits until it is analysing;
// scripts/test-all.sh then kills the backend with SIGKILL (its whole process group, as a
// crashed container) and starts it again. @after-crash checks the deploy reached a
// terminal state within 2 minutes, its lock is free and one version takes the traffic,
// and that the task is failed within 5 minutes with its work folders gone.
// The tests run in this order, so the kill comes while both are in flight.
test.describe.configure({ mode: 'serial' });
const api = '/api/ibias-deployments';
const marker = `${artifactsDir}/crash-deployment.json`;
const taskMarker = `${artifactsDir}/crash-task.json`;
const workDir = path.join(dataDir, 'work');

async function task(request: APIRequestContext, id: string, what = '') {
  const token = await guestToken(request);
  const res = await request.get(`/api/scaffolder/v2/tasks/${id}${what}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

/** The task's folders under the scaffolder's working directory. */
function taskFolders(id: string) {
  return fs.existsSync(workDir)
    ? fs.readdirSync(workDir).filter(f => f.startsWith(id))
    : [];
}

test('@before-crash a scaffolder task is in its verification gate', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const token = await guestToken(request);
  const name = `crash-${Date.now().toString(36)}`;
  const res = await request.post('/api/scaffolder/v2/tasks', {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      // The web app's gate is the longest (two Next.js builds): it is still running
      // when the deploy below reaches its analysis and the backend is killed.
      templateRef: 'template:default/ibias-web-app',
      values: {
        name,
        description: 'interrupted by a crash',
        owner: 'group:default/web-team',
        system: 'system:default/ibias',
        lifecycle: 'experimental',
      },
    },
  });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await expect
    .poll(async () => JSON.stringify(await task(request, id, '/events')), {
      timeout: 90_000,
    })
    .toContain('Installing dependencies');
  expect((await task(request, id)).status).toBe('processing');
  expect(taskFolders(id).length).toBeGreaterThan(0);
  fs.writeFileSync(taskMarker, JSON.stringify({ id, name }));
});

async function get(request: APIRequestContext, route: string) {
  const token = await guestToken(request);
  const res = await request.get(`${api}${route}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

test('@before-crash a canary deploy is in its analysis', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const token = await guestToken(request);
  const res = await request.post(`${api}/deployments`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      version: '1.0.0',
      strategy: 'canary',
    },
  });
  expect(res.status()).toBe(202);
  const { id } = await res.json();
  await expect
    .poll(
      async () =>
        (
          await get(request, `/deployments/${id}`)
        ).steps.find((s: { id: string }) => s.id === 'analysis-10').status,
      { timeout: 90_000 },
    )
    .toBe('running');
  fs.writeFileSync(marker, JSON.stringify({ id, at: Date.now() }));
});

test('@after-crash the interrupted deploy ends within 2 minutes, its lock is free and one version takes the traffic', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const { id } = JSON.parse(fs.readFileSync(marker, 'utf8'));
  const started = Date.now();
  await expect
    .poll(async () => (await get(request, `/deployments/${id}`)).status, {
      timeout: 120_000,
    })
    .toMatch(/^(succeeded|failed|rolled_back|aborted)$/);
  const d = await get(request, `/deployments/${id}`);
  fs.writeFileSync(
    `${artifactsDir}/crash-recovery.txt`,
    `after the restart: ${d.status} in ${Math.round(
      (Date.now() - started) / 1000,
    )} s (${d.reason})\n`,
  );
  expect(d.status).toBe('rolled_back');
  expect(d.reason).toMatch(
    /no heartbeat for \d+ s: .*\); 1\.1\.0 is live again/,
  );
  const staging = () =>
    get(request, '/environments').then(r =>
      r.items.find(
        (e: { entityRef: string; environment: string }) =>
          e.entityRef === 'component:default/ibias-api' &&
          e.environment === 'staging',
      ),
    );
  expect((await staging()).lockedBy).toBeNull();
  expect((await staging()).version).toBe('1.1.0');
  await expect
    .poll(async () => (await staging()).traffic, { timeout: 60_000 })
    .toEqual({ '1.1.0': 100 });
  // The environment takes a new deploy again.
  const token = await guestToken(request);
  const plan = await request.post(`${api}/deployments`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      version: '1.0.0',
      strategy: 'blue-green',
      dryRun: true,
    },
  });
  expect(plan.status()).toBe(200);
  expect((await plan.json()).lockedBy).toBeUndefined();
});

test('@after-crash the interrupted scaffolder task is failed within 5 minutes, its work folders gone, nothing published', async ({
  request,
}) => {
  test.setTimeout(360_000);
  const { id, name } = JSON.parse(fs.readFileSync(taskMarker, 'utf8'));
  const started = Date.now();
  await expect
    .poll(async () => (await task(request, id)).status, { timeout: 300_000 })
    .toBe('failed');
  await expect.poll(() => taskFolders(id), { timeout: 60_000 }).toEqual([]);
  fs.writeFileSync(
    `${artifactsDir}/crash-task-recovery.txt`,
    `the interrupted task was failed and its folders removed ${Math.round(
      (Date.now() - started) / 1000,
    )} s into this test\n`,
  );
  expect(fs.existsSync(path.join(dataDir, 'repos', name))).toBe(false);
  // Cancel on a finished task changes nothing and says so.
  const token = await guestToken(request);
  await request.post(`/api/scaffolder/v2/tasks/${id}/cancel`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect((await task(request, id)).status).toBe('failed');
});

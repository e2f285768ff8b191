import fs from 'node:fs';
import { APIRequestContext, expect, test } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// Crash recovery: @before-crash starts a canary deploy and waits until it is analysing;
// scripts/test-all.sh then kills the backend with SIGKILL (its whole process group, as a
// crashed container) and starts it again; @after-crash checks the deploy reached a
// terminal state within 2 minutes, the lock is free and one version takes the traffic.
const api = '/api/ibias-deployments';
const marker = `${artifactsDir}/crash-deployment.json`;

async function get(request: APIRequestContext, path: string) {
  const token = await guestToken(request);
  const res = await request.get(`${api}${path}`, {
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
  expect(d.reason).toMatch(/backend restarted during the deploy; 1\.1\.0/);
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

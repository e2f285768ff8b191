import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
  artifactsDir,
  dataDir,
  finishedTask,
  guestToken,
  startTask,
} from './helpers';

// Trust boundaries that hold even for the guest of the embedded default, who owns web-team
// services and administers the catalog (platform-team). The attacker suite for a user
// who owns nothing is attacker.test.ts (@nobody).
const deployments = '/api/ibias-deployments';

test('a file location is refused for everyone, administrators too, with one answer whether the file exists or not', async ({
  request,
}) => {
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const answers = new Set<string>();
  for (const target of [
    '/etc/passwd',
    '/etc/no-such-file-anywhere',
    path.resolve('.git/config'),
    path.resolve(dataDir, 'repos'),
  ]) {
    for (const dryRun of ['', '?dryRun=true']) {
      const res = await request.post(`/api/catalog/locations${dryRun}`, {
        headers,
        data: { type: 'file', target },
      });
      expect(res.status(), target).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/root:x:0:0|\[core\]/);
      answers.add(JSON.parse(text).error.message.replace(target, '<target>'));
    }
  }
  expect([...answers]).toHaveLength(1);
});

test('two deploys of one service written in two letter cases: one is accepted, the other meets the lock', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const development = async () =>
    (
      await (
        await request.get(
          `${deployments}/environments?entityRef=component:default/ibias-api`,
          { headers },
        )
      ).json()
    ).items.find(
      (e: { environment: string }) => e.environment === 'development',
    ) as { version: string; lockedBy: string | null } | undefined;
  // An earlier test's deploy may still run there: both requests must meet a free lock.
  await expect
    .poll(async () => (await development())?.lockedBy ?? null, {
      timeout: 150_000,
    })
    .toBeNull();
  const current = (await development())?.version;
  const { versions } = await (
    await request.get(
      `${deployments}/versions?entityRef=component:default/ibias-api&environment=development`,
      { headers },
    )
  ).json();
  const version = (versions as string[]).find(
    v => v !== current && v !== '1.2.0',
  )!;
  const refs = ['component:default/ibias-api', 'Component:Default/IBIAS-API'];
  const responses = await Promise.all(
    refs.map(entityRef =>
      request.post(`${deployments}/deployments`, {
        headers,
        data: {
          entityRef,
          environment: 'development',
          version,
          strategy: 'blue-green',
        },
      }),
    ),
  );
  const statuses = responses.map(r => r.status()).sort();
  expect(statuses).toEqual([202, 409]);
  const accepted = await responses.find(r => r.status() === 202)!.json();
  // Stored under the catalog's own ref, whatever the caller wrote.
  expect(accepted.entityRef).toBe('component:default/ibias-api');
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${deployments}/deployments/${accepted.id}`, {
              headers,
            })
          ).json()
        ).status,
      { timeout: 150_000 },
    )
    .toBe('succeeded');
});

test('creating a service under a name the catalog already has fails before the gate, and nothing is written', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const id = await startTask(
    request,
    headers,
    'template:default/ibias-service',
    {
      name: 'ibias-api',
      description: 'a second ibias-api',
      owner: 'group:default/web-team',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
    },
  );
  // The attacker suite (@nobody) tries to read and cancel this task.
  fs.writeFileSync(`${artifactsDir}/guest-task.json`, JSON.stringify({ id }));
  const { status, log } = await finishedTask(request, headers, id, 60_000);
  expect(status).toBe('failed');
  expect(log).toMatch(/component:default\/ibias-api/);
  expect(log).not.toContain('Installing dependencies');
  expect(fs.existsSync(path.join(dataDir, 'repos', 'ibias-api'))).toBe(false);
});

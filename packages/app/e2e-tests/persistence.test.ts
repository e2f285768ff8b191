import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// scripts/test-all.sh runs the first test, restarts the backend on the same data folder,
// then runs the @after-restart test: what was written must still be there.
const markerFile = `${artifactsDir}/persistence-marker.txt`;
const settingUrl = '/api/user-settings/buckets/ibias-e2e/keys/marker';

test('writes a user setting before the restart', async ({ request }) => {
  const token = await guestToken(request);
  const marker = `written-${Date.now()}`;
  const res = await request.put(settingUrl, {
    headers: { Authorization: `Bearer ${token}` },
    data: { value: marker },
  });
  expect(res.status()).toBe(200);
  fs.mkdirSync(artifactsDir, { recursive: true });
  fs.writeFileSync(markerFile, marker);
});

test('@after-restart reads the user setting written before the restart', async ({
  request,
}) => {
  const expected = fs.readFileSync(markerFile, 'utf8');
  const token = await guestToken(request);
  const res = await request.get(settingUrl, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  expect((await res.json()).value).toBe(expected);
});

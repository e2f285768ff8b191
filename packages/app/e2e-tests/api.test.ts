import { expect, test } from '@playwright/test';
import { guestToken, listEntities } from './helpers';

test('the backend reports ready', async ({ request }) => {
  const res = await request.get('/.backstage/health/v1/readiness');
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
});

test('the catalog API refuses anonymous callers', async ({ request }) => {
  const res = await request.get('/api/catalog/entities');
  expect(res.status()).toBe(401);
});

test('a guest lists the IBIAS catalog with no processing errors', async ({
  request,
}) => {
  const token = await guestToken(request);
  // Catalog processing runs in the background after start: wait for the IBIAS entities.
  await expect
    .poll(async () => (await listEntities(request, token)).length, {
      timeout: 120_000,
    })
    .toBeGreaterThanOrEqual(30);
  const entities = await listEntities(request, token);
  const names = (kind: string) =>
    entities.filter(e => e.kind === kind).map(e => e.metadata.name);

  expect(names('Component')).toEqual(
    expect.arrayContaining([
      'ibias-web',
      'ibias-api',
      'ai-recommendations',
      'data-sync',
      'report-generation',
      'ibias-portal',
    ]),
  );
  expect(names('System')).toEqual(
    expect.arrayContaining(['ibias', 'ibias-portal']),
  );
  expect(names('Resource')).toEqual(
    expect.arrayContaining(['ibias-postgres', 'openai-api', 'replicate-api']),
  );
  expect(names('Group')).toEqual(
    expect.arrayContaining(['platform-team', 'web-team', 'release-managers']),
  );
  expect(names('User')).toEqual(expect.arrayContaining(['guest']));

  const withErrors = entities
    .filter(e => (e.status?.items ?? []).some(i => i.level === 'error'))
    .map(e => e.metadata.name);
  expect(withErrors).toEqual([]);
});

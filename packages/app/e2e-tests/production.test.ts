import { expect, test } from '@playwright/test';
import { artifactsDir } from './helpers';

// Run by scripts/test-all.sh against the backend bundle started with
// app-config.production.yaml, NODE_ENV=production and PostgreSQL.

test('@production the backend serves the built frontend and reports ready', async ({
  request,
}) => {
  expect((await request.get('/.backstage/health/v1/readiness')).status()).toBe(
    200,
  );
  const index = await request.get('/');
  expect(index.status()).toBe(200);
  expect(await index.text()).toContain('<div id="root">');
});

test('@production guest sign-in is refused', async ({ request }) => {
  const res = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.status()).toBeGreaterThanOrEqual(400);
  expect(res.status()).toBeLessThan(500);
  expect((await request.get('/api/catalog/entities')).status()).toBe(401);
});

test('@production the sign-in page offers GitHub and no guest entry', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByText('GitHub', { exact: true })).toBeVisible();
  await expect(
    page.getByText('Sign in with your GitHub account'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Enter' })).toHaveCount(0);
  await page.screenshot({ path: `${artifactsDir}/production-sign-in.png` });
});

import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// The golden path as a person walks it: Create → ibias-service → form → the task runs the
// verification gate → the new component is in the catalog with its owner and annotations.
test('a guest creates an ibias-service and finds it in the catalog', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const name = `e2e-svc-${Date.now().toString(36)}`;

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Create' })
    .click();
  await expect(
    page.getByText('IBIAS service (Node.js / TypeScript HTTP API)'),
  ).toBeVisible();
  await page.screenshot({ path: `${artifactsDir}/create-templates.png` });
  await expect(page.getByText('IBIAS web app (Next.js)')).toBeVisible();
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'IBIAS service (Node.js / TypeScript HTTP API)' })
    .getByRole('button', { name: 'Choose' })
    .click();

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('Created by the end-to-end test');
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await owner.fill('web');
  await page
    .getByRole('option', { name: /web-team|Web team/ })
    .first()
    .click();
  await page.screenshot({ path: `${artifactsDir}/create-form.png` });
  await page.getByRole('button', { name: 'Review' }).click();
  const clickedCreate = Date.now();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task page: every step, the verification gate included, must finish green.
  await expect(
    page.getByText('Verify (install, test, start, probe)'),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open in catalog' })).toBeVisible(
    {
      timeout: 240_000,
    },
  );
  const seconds = Math.round((Date.now() - clickedCreate) / 1000);
  test.info().annotations.push({
    type: 'timing',
    description: `Create → component in catalog: ${seconds} s`,
  });
  fs.writeFileSync(
    `${artifactsDir}/create-service-timing.txt`,
    `Create → component in catalog: ${seconds} s\n`,
  );
  await page.screenshot({
    path: `${artifactsDir}/create-task-done.png`,
    fullPage: true,
  });

  await page.getByRole('link', { name: 'Open in catalog' }).click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${name}`),
  );
  await expect(
    page.getByText('Created by the end-to-end test').first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${artifactsDir}/create-new-component.png`,
    fullPage: true,
  });

  const token = await guestToken(request);
  const res = await request.get(
    `/api/catalog/entities/by-name/component/default/${name}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect(res.status()).toBe(200);
  const entity = await res.json();
  expect(entity.spec.owner).toBe('group:default/web-team');
  expect(entity.spec.system).toBe('system:default/ibias');
  expect(entity.metadata.annotations).toMatchObject({
    'ibias.io/environments': './environments.yaml',
    'backstage.io/kubernetes-id': name,
    'backstage.io/source-template': 'template:default/ibias-service',
    'ibias.io/template-version': '1.0.0',
  });
});

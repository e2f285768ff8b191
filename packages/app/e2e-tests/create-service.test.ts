import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, Page, test } from '@playwright/test';
import { artifactsDir, dataDir, deployFromTheTab, guestToken } from './helpers';

// The golden path as an engineer walks it, on the default start: Create → ibias-service →
// the task runs the verification gate → the new component is in the catalog with its owner
// and annotations → Deployments → 1.0.0 to development → a second release is tagged and
// pushed to the service's repository with git → it shows up in the deploy dialog without a
// restart → blue-green to staging → succeeded, and the matrix shows it. Each step's time
// goes to e2e-artifacts/journey-timings.json, with a screenshot per step.
const steps: Array<{ step: string; seconds: number; screenshot: string }> = [];

async function step(page: Page, name: string, started: number) {
  const screenshot = `journey-${steps.length + 1}-${name}.png`;
  await page.screenshot({
    path: `${artifactsDir}/${screenshot}`,
    fullPage: true,
  });
  steps.push({
    step: name,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    screenshot,
  });
  fs.writeFileSync(
    `${artifactsDir}/journey-timings.json`,
    JSON.stringify(steps, null, 2),
  );
}

test('the journey: create a service, find it in the catalog, deploy it, push a release with git and deploy that', async ({
  page,
  request,
}) => {
  test.setTimeout(600_000);
  const journey = Date.now();
  const name = `e2e-svc-${Date.now().toString(36)}`;

  // 1. Create → IBIAS service → the form.
  let started = Date.now();
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
  await step(page, 'form-filled', started);

  // 2. Create: every step, the verification gate included, finishes green.
  started = Date.now();
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(
    page.getByText('Verify (install, test, start, probe)'),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open in catalog' })).toBeVisible(
    { timeout: 240_000 },
  );
  const createSeconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(
    `${artifactsDir}/create-service-timing.txt`,
    `Create → component in catalog: ${createSeconds} s\n`,
  );
  await page.screenshot({
    path: `${artifactsDir}/create-task-done.png`,
    fullPage: true,
  });
  await step(page, 'created', started);

  // 3. The new component in the catalog, with its owner and annotations.
  started = Date.now();
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
  await step(page, 'in-catalog', started);

  // 4. Deployments → 1.0.0 (the tag the template made) to development.
  started = Date.now();
  await page.goto(`/catalog/default/component/${name}/deployments`);
  await expect(page.getByTestId('environment-development')).toBeVisible();
  await deployFromTheTab(page, 'development', '1.0.0', 'blue-green');
  const details = page.getByTestId('deployment-details');
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 240_000,
  });
  await expect(page.getByTestId('version-development')).toHaveText('1.0.0');
  await step(page, 'deployed-1.0.0-development', started);

  // 5. A developer's release: clone, change, commit, tag, push — plain git.
  started = Date.now();
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'journey-clone-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: clone,
      env: {
        PATH: process.env.PATH,
        HOME: clone,
        GIT_AUTHOR_NAME: 'Wes Web',
        GIT_AUTHOR_EMAIL: 'wes@ibias.example',
        GIT_COMMITTER_NAME: 'Wes Web',
        GIT_COMMITTER_EMAIL: 'wes@ibias.example',
      },
      encoding: 'utf8',
    });
  git('clone', '--quiet', path.resolve(dataDir, 'repos', name), '.');
  expect(git('tag', '--list').trim()).toBe('1.0.0');
  fs.appendFileSync(
    path.join(clone, 'README.md'),
    '\nRelease 1.1.0: the first change after creation.\n',
  );
  git('commit', '--quiet', '--all', '--message', 'Release 1.1.0');
  git('tag', '1.1.0');
  git('push', '--quiet', '--tags', 'origin', 'main');
  fs.rmSync(clone, { recursive: true, force: true });
  await step(page, 'pushed-1.1.0', started);

  // 6. 1.1.0 is in the deploy dialog without a restart → blue-green to staging.
  started = Date.now();
  await page.reload();
  await deployFromTheTab(page, 'staging', '1.1.0', 'blue-green');
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 240_000,
  });
  await expect(page.getByTestId('version-staging')).toHaveText('1.1.0');
  await expect(page.getByTestId('version-development')).toHaveText('1.0.0');
  await step(page, 'deployed-1.1.0-staging', started);

  // 7. The portal-wide matrix shows both.
  started = Date.now();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Deployments' })
    .click();
  const row = page.locator(`[data-testid="matrix"] tr[data-service="${name}"]`);
  await expect(row).toContainText('1.0.0');
  await expect(row).toContainText('1.1.0');
  await step(page, 'matrix', started);

  const total = Math.round((Date.now() - journey) / 1000);
  fs.writeFileSync(
    `${artifactsDir}/journey-timing.txt`,
    `whole journey: ${total} s; Create → catalog: ${createSeconds} s\n`,
  );
});

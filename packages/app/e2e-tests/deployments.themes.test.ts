import { expect, test, type Page } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// The deployments views in the light and the dark theme, with screenshots. The history
// needs one deployment: made here through the API when the portal has none yet.
const api = '/api/ibias-deployments';
const entityRef = 'component:default/ibias-api';

test.beforeAll(async ({ request }) => {
  test.setTimeout(240_000);
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const listed = await request.get(
    `${api}/deployments?entityRef=${encodeURIComponent(entityRef)}&limit=1`,
    { headers },
  );
  expect(listed.status()).toBe(200);
  if ((await listed.json()).items.length > 0) return;
  const versions = await (
    await request.get(
      `${api}/versions?entityRef=${encodeURIComponent(
        entityRef,
      )}&environment=development`,
      { headers },
    )
  ).json();
  const created = await request.post(`${api}/deployments`, {
    headers: { ...headers, 'Idempotency-Key': `themes-${Date.now()}` },
    data: {
      entityRef,
      environment: 'development',
      version: versions.versions[versions.versions.length - 1],
      strategy: 'blue-green',
    },
  });
  expect(created.status()).toBe(202);
  const { id } = await created.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${api}/deployments/${id}`, { headers })
          ).json()
        ).status,
      { timeout: 180_000 },
    )
    .toMatch(/succeeded|failed|rolled_back|aborted/);
});

/** Relative luminance (0 black … 1 white) of an element's computed background. */
async function backgroundLuminance(page: Page, selector: string) {
  const rgb = await page
    .locator(selector)
    .first()
    .evaluate(el => getComputedStyle(el).backgroundColor);
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

for (const mode of ['light', 'dark'] as const) {
  test(`in the browser: the deployments views in the ${mode} theme`, async ({
    page,
  }) => {
    // The app's theme API keeps the choice under this key (Settings → Theme).
    await page.addInitScript(theme => {
      window.localStorage.setItem('theme', theme);
    }, mode);
    await page.goto('/catalog/default/component/ibias-api/deployments');
    await page.getByRole('button', { name: 'Enter' }).click();
    await expect(page.getByTestId('environment-staging')).toBeVisible();
    await expect(page.locator('body')).toHaveAttribute('data-theme-mode', mode);
    const body = await backgroundLuminance(page, 'body');
    const card = await backgroundLuminance(
      page,
      '[data-testid="environment-staging"]',
    );
    if (mode === 'dark') {
      expect(body).toBeLessThan(0.1);
      expect(card).toBeLessThan(0.1);
    } else {
      expect(body).toBeGreaterThan(0.7);
      expect(card).toBeGreaterThan(0.7);
    }
    // A status tag's text stands out from its own background in both themes.
    const tag = page.locator('[data-testid="history"] [data-tone]').first();
    await expect(tag).toBeVisible();
    const [fg, bg] = await tag.evaluate(el => {
      const s = getComputedStyle(el);
      return [s.color, s.backgroundColor];
    });
    expect(fg).not.toEqual(bg);

    // Select a deployment, so its details and evidence are in the picture.
    await page.getByTestId('history').locator('tbody tr').first().click();
    await expect(page.getByTestId('deployment-details')).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `${artifactsDir}/deployments-${mode}.png`,
      fullPage: true,
    });

    // The rollback dialog of that deployment (cancelled: nothing is rolled back).
    await page
      .getByTestId('deployment-details')
      .getByRole('button', { name: 'Roll back' })
      .click();
    const rollback = page.getByRole('dialog', { name: /^Roll back / });
    await expect(rollback).toBeVisible();
    await expect(rollback.getByLabel('Loading earlier versions')).toHaveCount(
      0,
    );
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `${artifactsDir}/deployments-rollback-dialog-${mode}.png`,
    });
    await rollback.getByRole('button', { name: 'Cancel' }).click();
    await expect(rollback).toBeHidden();

    // The deploy dialog (cancelled: nothing is deployed).
    const deploy = page.getByTestId('deploy-development');
    await expect(deploy).toBeEnabled({ timeout: 150_000 });
    await deploy.click();
    const dialog = page.getByRole('dialog', { name: 'Deploy to development' });
    await expect(dialog.getByTestId('deploy-plan')).toBeVisible();
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `${artifactsDir}/deployments-deploy-dialog-${mode}.png`,
    });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();

    // The portal-wide page.
    await page.goto('/deployments');
    await expect(page.getByTestId('matrix')).toContainText('ibias-api');
    await expect(page.locator('body')).toHaveAttribute('data-theme-mode', mode);
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `${artifactsDir}/deployments-page-${mode}.png`,
      fullPage: true,
    });
  });
}

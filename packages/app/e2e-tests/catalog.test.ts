import { expect, test } from '@playwright/test';
import { artifactsDir } from './helpers';

test('a guest signs in, finds the IBIAS components and opens one', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog is the landing page and lists the IBIAS components.
  for (const name of ['ibias-api', 'ibias-web', 'ai-recommendations']) {
    await expect(
      page.getByRole('link', { name, exact: true }).first(),
    ).toBeVisible();
  }
  await page.screenshot({
    path: `${artifactsDir}/catalog.png`,
    fullPage: true,
  });

  // Narrow the list with the search box, as a person would.
  await page.getByPlaceholder('Search').fill('edge function');
  await expect(
    page.getByRole('link', { name: 'report-generation', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'ibias-web', exact: true }),
  ).toHaveCount(0);
  await page.getByPlaceholder('Search').fill('');

  await page
    .getByRole('link', { name: 'ibias-api', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/ibias-api/);
  await expect(
    page.getByText('The Next.js API routes', { exact: false }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'web-team' }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${artifactsDir}/entity-ibias-api.png`,
    fullPage: true,
  });
});

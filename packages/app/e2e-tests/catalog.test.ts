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

  // The catalog is the landing page; "All" shows every IBIAS component, not just the
  // guest's own teams'.
  await page.getByTestId('user-picker-all').click();
  await expect(page.getByText('All Components (6)')).toBeVisible();
  for (const title of [
    'IBIAS API routes',
    'IBIAS web app',
    'ai-recommendations',
    'data-sync',
    'report-generation',
  ]) {
    await expect(
      page.getByRole('link', { name: title, exact: true }),
    ).toBeVisible();
  }
  await page.screenshot({ path: `${artifactsDir}/catalog.png` });

  // Narrow the list with the search box, as a person would.
  const search = page.getByPlaceholder('Search');
  await search.fill('edge function');
  await expect(
    page.getByRole('link', { name: 'report-generation' }),
  ).toBeVisible();
  await expect(page.getByRole('link', { name: 'IBIAS web app' })).toHaveCount(
    0,
  );
  await search.fill('');

  await page.getByRole('link', { name: 'IBIAS API routes' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/ibias-api/);
  await expect(
    page.getByText('The Next.js API routes', { exact: false }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Web team' }).first(),
  ).toBeVisible();
  await page.screenshot({
    path: `${artifactsDir}/entity-ibias-api.png`,
    fullPage: true,
  });
});

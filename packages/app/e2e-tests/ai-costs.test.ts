import {
  expect,
  test,
  type APIRequestContext,
  type Page,
} from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// AI costs on the default start, as the guest (a web-team member): usage reported
// through the API for ibias-api (web-team's; a person may report only for what their
// groups own), then the service tab and the portal-wide page in the browser.
const api = '/api/ibias-ai-costs';
const run = Date.now();

async function report(request: APIRequestContext, token: string) {
  const events = [];
  for (let i = 0; i < 300; i++) {
    const minutesAgo = 10 + i * 9;
    events.push({
      id: `e2e-${run}-${i}`,
      timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      entityRef: 'component:default/ibias-api',
      provider: 'openai',
      model: i % 5 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
      inputTokens: 2000,
      outputTokens: 400,
      cachedInputTokens: 500,
      latencyMs: 600 + i,
      status: i % 31 === 0 ? 'error' : 'success',
    });
  }
  const res = await request.post(`${api}/events`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { events },
  });
  expect(res.status()).toBe(200);
  return { body: await res.json(), events };
}

async function signIn(page: Page, path: string) {
  await page.goto(path);
  await page.getByRole('button', { name: 'Enter' }).click();
}

test('in the browser: a service’s AI costs tab shows its spend by model, priced; the page shows only the guest’s teams', async ({
  page,
  request,
}) => {
  const token = await guestToken(request);
  const { body } = await report(request, token);
  expect(body).toEqual({
    accepted: 300,
    duplicates: 0,
    unpriced: 0,
    unattributed: 0,
  });
  // A replayed batch changes nothing.
  const again = await report(request, token);
  expect(again.body).toMatchObject({ accepted: 0, duplicates: 300 });
  // Nor may the guest spend another team's budget: ai-recommendations is ai-team's.
  const foreign = await request.post(`${api}/events`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      events: [
        {
          id: `e2e-${run}-foreign`,
          timestamp: new Date().toISOString(),
          entityRef: 'component:default/ai-recommendations',
          provider: 'openai',
          model: 'gpt-4o',
          inputTokens: 1_000_000,
          latencyMs: 1,
          status: 'success',
        },
      ],
    },
  });
  expect(foreign.status()).toBe(403);

  await signIn(page, '/catalog/default/component/ibias-api/ai-costs?range=7d');
  const totals = page.getByTestId('totals');
  await expect(totals).toBeVisible({ timeout: 20_000 });
  await expect(totals.locator('[data-key="gpt-4o-mini"]')).toContainText('$');
  await expect(totals.locator('[data-key="gpt-4o"]')).toContainText('$');
  await page.screenshot({
    path: `${artifactsDir}/ai-costs-service-tab.png`,
    fullPage: true,
  });

  // The same totals in the API as on the page, from the rollups.
  const costs = await (
    await request.get(
      `${api}/costs?${new URLSearchParams({
        from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
        to: new Date().toISOString(),
        groupBy: 'model',
        entityRef: 'component:default/ibias-api',
      })}`,
      { headers: { Authorization: `Bearer ${token}` } },
    )
  ).json();
  const mini = costs.totals.find(
    (t: { key: string }) => t.key === 'gpt-4o-mini',
  );
  expect(mini.calls).toBeGreaterThanOrEqual(240);
  expect(mini.costMicros).toBeGreaterThan(0);

  // The portal-wide page: the guest's team; no other team's spend is ever listed.
  await page.goto('/ibias-ai-costs?range=7d&by=team');
  await expect(page.getByTestId('totals')).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByTestId('totals').locator('[data-key="group:default/web-team"]'),
  ).toBeVisible();
  await expect(
    page.getByTestId('totals').locator('[data-key="group:default/ai-team"]'),
  ).toHaveCount(0);
  await page.screenshot({
    path: `${artifactsDir}/ai-costs-page.png`,
    fullPage: true,
  });
});

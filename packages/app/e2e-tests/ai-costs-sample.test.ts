import { expect, test } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// Issue 13's acceptance on the default start, as ada.ai (ai-team, which owns the
// ai-recommendations sample): she deploys it to development; the analysis load asks it
// for recommendations, each an AI call of its simulated model that the sample reports
// with its own usage key. Its AI costs tab then shows the spend by model, priced and
// attributed to ai-team, with its budget and forecast; the overview shows it by team.
const deployments = '/api/ibias-deployments';
const aiCosts = '/api/ibias-ai-costs';
const entityRef = 'component:default/ai-recommendations';

test('@ai-team the deployed ai-recommendations sample reports its AI calls: spend by model, its owner, budget and forecast, and by team', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const token = await guestToken(request, 'user:default/ada.ai');
  const headers = { Authorization: `Bearer ${token}` };
  const since = new Date(Date.now() - 60_000).toISOString();

  // 1.1.0, or (when a run before left 1.1.0 there) 1.0.0: either serves the same load.
  const deploy = (version: string) =>
    request.post(`${deployments}/deployments`, {
      headers,
      data: {
        entityRef,
        environment: 'development',
        version,
        strategy: 'rolling',
      },
    });
  let started = await deploy('1.1.0');
  if (started.status() === 400) started = await deploy('1.0.0');
  expect(started.status()).toBe(202);
  const { id } = await started.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${deployments}/deployments/${id}`, { headers })
          ).json()
        ).status,
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe('succeeded');

  // The sample reports in the background (every 2 s): its calls arrive, priced, as
  // ai-team's (the catalog's owner), none unpriced.
  const costs = async (groupBy: string, extra: Record<string, string> = {}) =>
    (
      await request.get(
        `${aiCosts}/costs?${new URLSearchParams({
          from: since,
          to: new Date(Date.now() + 60_000).toISOString(),
          groupBy,
          ...extra,
        })}`,
        { headers },
      )
    ).json();
  await expect
    .poll(
      async () =>
        (
          await costs('model', { entityRef })
        ).totals.reduce((n: number, t: { calls: number }) => n + t.calls, 0),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(100);
  const byModel = await costs('model', { entityRef });
  const mini = byModel.totals.find(
    (t: { key: string }) => t.key === 'gpt-4o-mini',
  );
  expect(mini.costMicros).toBeGreaterThan(0);
  expect(mini.unpricedCalls).toBe(0);
  const inputTokens = byModel.rows.reduce(
    (n: number, r: { inputTokens: number }) => n + r.inputTokens,
    0,
  );
  expect(inputTokens).toBeGreaterThan(mini.calls * 20);
  const byTeam = await costs('team');
  expect(byTeam.totals.map((t: { key: string }) => t.key)).toContain(
    'group:default/ai-team',
  );

  await page.goto(`/catalog/default/component/ai-recommendations/ai-costs`);
  await page.getByRole('button', { name: 'Enter' }).click();
  const totals = page.getByTestId('totals');
  await expect(totals).toBeVisible({ timeout: 20_000 });
  await expect(totals.locator('[data-key="gpt-4o-mini"]')).toContainText('$');
  const budget = page.getByTestId('budget-ai-recommendations');
  await expect(budget).toContainText(/of \$30(\.00)? this month/);
  await expect(budget).toContainText('Spent $');
  // A forecast from day 3 of the month; before, the card says why there is none.
  await expect(budget.getByTestId('forecast')).toContainText(
    new Date().getUTCDate() >= 3 ? 'Month-end forecast $' : 'No forecast yet',
  );
  await page.screenshot({
    path: `${artifactsDir}/ai-costs-sample-tab.png`,
    fullPage: true,
  });

  await page.goto('/ibias-ai-costs?range=7d&by=team');
  await expect(
    page.getByTestId('totals').locator('[data-key="group:default/ai-team"]'),
  ).toContainText('$', { timeout: 20_000 });
  await page.screenshot({
    path: `${artifactsDir}/ai-costs-sample-overview.png`,
    fullPage: true,
  });
});

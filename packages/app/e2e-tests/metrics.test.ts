import { expect, test, type Page } from '@playwright/test';
import { artifactsDir, guestToken } from './helpers';

// The executive dashboard on the default start: the six KPI tiles computed from the
// sample business, the trends, an alert and a recommendation with its evidence; and, as a
// developer without ibias.metrics.business.read (@developer stage), no financial figure.
const api = '/api/ibias-metrics';
const SIX = [
  'Monthly recurring revenue',
  'Customer acquisition cost',
  'Customer lifetime value',
  'Net promoter score',
  'Customer churn',
  'System uptime',
];

async function signIn(page: Page, mode: 'light' | 'dark' = 'light') {
  await page.addInitScript(theme => {
    window.localStorage.setItem('theme', theme);
  }, mode);
  await page.goto('/ibias-metrics');
  await page.getByRole('button', { name: 'Enter' }).click();
  // Signed in once the sign-in page is gone: a navigation before that (the session
  // being set up) would land on the sign-in page again.
  await expect(page.getByRole('button', { name: 'Enter' })).toHaveCount(0, {
    timeout: 20_000,
  });
}

for (const mode of ['light', 'dark'] as const) {
  test(`in the browser: the executive dashboard in the ${mode} theme`, async ({
    page,
  }) => {
    await signIn(page, mode);
    await expect(page.getByTestId('sample-data')).toBeVisible();
    for (const title of SIX) {
      // Computed from the sample: a figure (the tile's name is "<title>: <value>").
      await expect(
        page.getByRole('button', { name: new RegExp(`^${title}: [$0-9]`) }),
      ).toBeVisible();
    }
    await expect(
      page.getByRole('button', {
        name: /^Monthly recurring revenue: \$[0-9.]+k/,
      }),
    ).toBeVisible();
    // The four trends, drawn by the lazily loaded chart code.
    for (const trend of [
      'User growth',
      'Revenue growth',
      'Performance (uptime)',
      'Satisfaction (NPS)',
    ]) {
      await expect(page.getByText(trend).first()).toBeVisible();
    }
    await expect(page.locator('svg.recharts-surface').first()).toBeVisible();
    // The sample's outage raises the uptime alert; its recommendation has evidence.
    await expect(page.getByTestId('alert-list')).toContainText(
      'System uptime past its error threshold',
      { timeout: 60_000 },
    );
    await page.reload();
    await expect(page.getByTestId('recommendations')).toContainText(
      'Evidence:',
    );
    await expect(page.getByTestId('evidence').first()).toContainText('value =');
    await expect(page.locator('body')).toHaveAttribute('data-theme-mode', mode);
    await page.waitForTimeout(500);
    await page.screenshot({
      path: `${artifactsDir}/metrics-dashboard-${mode}.png`,
      fullPage: true,
    });

    // A tile opens its derivation: formula, inputs, the customers behind it, CSV.
    // A person clicks the tile, a card that takes the press (its button is a hidden
    // trigger for the keyboard).
    await page
      .locator('article', { hasText: 'Monthly recurring revenue' })
      .click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Σ customers’ MRR');
    await expect(dialog.getByText(/^cus_sample_/).first()).toBeVisible();
    await expect(dialog).toContainText('MRR at start (USD)');
    await expect(page).toHaveURL(/kpi=mrr/);
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `${artifactsDir}/metrics-derivation-${mode}.png`,
    });
  });
}

test('in the browser: Home shows the KPI tiles and the alerts on what I own', async ({
  page,
}) => {
  await page.goto('/home');
  await page.getByRole('button', { name: 'Enter' }).click();
  const kpis = page.getByTestId('home-kpis');
  await expect(
    kpis.getByRole('link', { name: /^Monthly recurring revenue: \$/ }),
  ).toBeVisible();
  // The guest is in platform-team, which owns the uptime KPI and so its alert.
  await expect(page.getByTestId('home-alerts')).toContainText(
    'System uptime past its error threshold',
    { timeout: 60_000 },
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${artifactsDir}/home.png`, fullPage: true });
});

test('the KPI API: every figure has its formula and inputs, gaps are null with a reason', async ({
  request,
}) => {
  const headers = { Authorization: `Bearer ${await guestToken(request)}` };
  const res = await request.get(`${api}/kpis?period=month&count=3`, {
    headers,
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.sample).toBe(true);
  expect(body.business).toBe(true);
  for (const kpi of body.items) {
    for (const point of kpi.points) {
      expect(typeof point.formula).toBe('string');
      if (point.value === null) expect(point.reason).toBeTruthy();
    }
  }
  const bad = await request.get(`${api}/kpis?period=fortnight`, { headers });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toMatch(/period/);
});

test('@developer a developer without the business permission sees no financial figure', async ({
  page,
  request,
}) => {
  const token = await guestToken(request, 'user:default/wes.web');
  const headers = { Authorization: `Bearer ${token}` };
  for (const path of [
    '/kpis/mrr',
    '/kpis/cac?period=quarter',
    '/kpis/ltv/records?period=month&start=2026-01-01T00:00:00.000Z',
  ]) {
    const res = await request.get(`${api}${path}`, { headers });
    expect(res.status(), path).toBe(403);
    expect((await res.json()).error.message).toMatch(/business\.read/);
  }
  const dashboard = await (
    await request.get(`${api}/dashboard`, { headers })
  ).json();
  expect(dashboard.business).toBe(false);
  expect(dashboard.tiles.map((t: any) => t.definition.id).sort()).toEqual([
    'nps',
    'uptime',
  ]);
  expect(JSON.stringify(dashboard)).not.toMatch(/"mrr"|"cac"|"ltv"/);

  await signIn(page);
  await expect(page.getByTestId('financial-hidden')).toBeVisible();
  await expect(
    page.getByRole('button', { name: /^Net promoter score: / }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: /^Monthly recurring revenue: / }),
  ).toHaveCount(0);
  await expect(
    page.getByRole('heading', { name: 'Satisfaction (NPS)' }),
  ).toBeVisible();
  await expect(page.locator('body')).not.toContainText('$');
  await page.goto('/home');
  await expect(
    page
      .getByTestId('home-kpis')
      .getByRole('link', { name: /^System uptime: / }),
  ).toBeVisible();
  await expect(page.getByTestId('home-kpis')).not.toContainText('$');
  await page.goto('/ibias-metrics');
  await page.waitForTimeout(500);
  await page.screenshot({
    path: `${artifactsDir}/metrics-dashboard-developer.png`,
    fullPage: true,
  });
});

// This stage runs without Prometheus (IBIAS_PROMETHEUS=off in scripts/test-all.sh); the
// earlier stages left ibias-api 1.1.0 running in staging, which the restart restored.
test("@developer without Prometheus, the Metrics tab shows the local traffic router's records, labelled", async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const token = await guestToken(request, 'user:default/wes.web');
  const headers = { Authorization: `Bearer ${token}` };
  // The restart brings staging back in the background: wait until it answers healthily.
  let staging: { url: string; version: string } | undefined;
  await expect
    .poll(
      async () => {
        const states = await (
          await request.get('/api/ibias-deployments/environments', { headers })
        ).json();
        const found = states.items.find(
          (e: { entityRef: string; environment: string }) =>
            e.entityRef === 'component:default/ibias-api' &&
            e.environment === 'staging',
        );
        staging = found?.url ? found : undefined;
        return found ? `${found.health} ${Boolean(found.url)}` : 'none';
      },
      { timeout: 90_000, intervals: [1_000] },
    )
    .toBe('healthy true');
  if (!staging) throw new Error('staging has no address');
  for (let i = 0; i < 40; i++) {
    const res = await request.get(`${staging.url}/api/v1/echo?i=${i}`);
    expect(res.status()).toBeLessThan(500);
  }
  const answer = await (
    await request.get(
      `${api}/golden-signals?entityRef=component:default/ibias-api&range=15m`,
      { headers },
    )
  ).json();
  expect(answer).toMatchObject({
    configured: false,
    fallback: { source: 'traffic-router', configured: true },
  });
  const series = answer.fallback.series.find(
    (s: { environment: string }) => s.environment === 'staging',
  );
  expect(series.summary.requests).toBeGreaterThanOrEqual(40);
  expect(series.summary.p95.value).toBeGreaterThan(0);

  await signIn(page);
  await page.goto('/catalog/default/component/ibias-api/metrics?range=15m');
  await expect(page.getByTestId('signals-source')).toContainText(
    "From the local traffic router's records",
  );
  await expect(page.getByTestId('signals-source')).toContainText(
    'apt-get install prometheus',
  );
  await expect(
    page.getByTestId(`signals-staging-${series.version}`),
  ).toContainText(/p95\s*[\d.]+ ms/);
  await page.screenshot({
    path: `${artifactsDir}/metrics-tab-router-fallback.png`,
    fullPage: true,
  });
});

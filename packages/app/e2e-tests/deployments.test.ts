import fs from 'node:fs';
import { APIRequestContext, expect, test } from '@playwright/test';
import { artifactsDir, deployFromTheTab, guestToken } from './helpers';

// Deployments on the embedded default: the local target runs the sample services as real
// processes behind a traffic router; 1.2.0 is the faulty release (FAULT_RATE=0.2).
test.describe.configure({ mode: 'serial' });

const api = '/api/ibias-deployments';

async function environments(request: APIRequestContext, token: string) {
  const res = await request.get(`${api}/environments`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  return (await res.json()).items as Array<{
    entityRef: string;
    environment: string;
    version: string;
    traffic: Record<string, number>;
    url: string | null;
    lockedBy: string | null;
  }>;
}

test('in the browser: 1.1.0 blue-green succeeds, 1.2.0 canary rolls back on its error rate, traffic returns to 1.1.0', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  await page.goto('/catalog/default/component/ibias-api/deployments');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByTestId('environment-staging')).toBeVisible();
  await page.screenshot({ path: `${artifactsDir}/deployments-empty.png` });

  await deployFromTheTab(page, 'staging', '1.1.0', 'blue-green');
  const details = page.getByTestId('deployment-details');
  await expect(details.getByTestId('status-running')).toBeVisible({
    timeout: 30_000,
  });
  await page.screenshot({ path: `${artifactsDir}/deployments-running.png` });
  // The first deploy also installs and builds the sample.
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 180_000,
  });
  await expect(page.getByTestId('version-staging')).toHaveText('1.1.0');
  await expect(page.getByTestId('health-staging')).toHaveText('healthy');
  await page.screenshot({
    path: `${artifactsDir}/deployments-1.1.0-succeeded.png`,
    fullPage: true,
  });

  const started = Date.now();
  await deployFromTheTab(page, 'staging', '1.2.0', 'canary');
  await expect(details.getByTestId('status-rolled_back')).toBeVisible({
    timeout: 120_000,
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  fs.writeFileSync(
    `${artifactsDir}/deployments-canary-timing.txt`,
    `1.2.0 canary → rolled_back in ${seconds} s\n`,
  );
  await expect(details.getByTestId('deployment-reason')).toContainText(
    /Rollback trigger: error rate \d+\.\d% > 5%/,
  );
  // The evidence names the error rate that triggered it.
  const failing = details.locator('[data-verdict="fail"]');
  await expect(failing.first()).toContainText('error-rate');
  await expect(page.getByTestId('version-staging')).toHaveText('1.1.0');
  await page.screenshot({
    path: `${artifactsDir}/deployments-1.2.0-rolled-back.png`,
    fullPage: true,
  });

  // Traffic is on 1.1.0 alone, and the router really serves 1.1.0.
  const token = await guestToken(request);
  const staging = (await environments(request, token)).find(
    e =>
      e.entityRef === 'component:default/ibias-api' &&
      e.environment === 'staging',
  )!;
  expect(staging.version).toBe('1.1.0');
  expect(staging.traffic).toEqual({ '1.1.0': 100 });
  expect(staging.lockedBy).toBeNull();
  for (let i = 0; i < 5; i++) {
    const health = await request.get(`${staging.url}/health`);
    expect((await health.json()).version).toBe('1.1.0');
  }

  // The owning group (web-team, the guest is a member) was notified of the rollback.
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/notifications/notifications', {
          headers: { Authorization: `Bearer ${token}` },
        });
        const body = await res.json();
        return (body.notifications ?? []).map(
          (n: { payload: { title: string } }) => n.payload.title,
        );
      },
      { timeout: 15_000 },
    )
    .toContain('ibias-api 1.2.0 was rolled back in staging');

  // The portal-wide page shows the matrix.
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Deployments' })
    .click();
  await expect(page.getByTestId('matrix')).toContainText('ibias-api');
  await expect(page.getByTestId('matrix')).toContainText('1.1.0');
  // Every deployable service is listed, deployed or not, with its owner.
  await expect(
    page.locator(
      '[data-testid="matrix"] tr[data-service="ai-recommendations"]',
    ),
  ).toContainText('ai-team');
  await page.screenshot({
    path: `${artifactsDir}/deployments-page.png`,
    fullPage: true,
  });
});

// The default start runs Prometheus next to the portal (scripts/test-all.sh installs it):
// it scrapes what the local target runs, and the Metrics tab reads it back.
test('in the browser: the Metrics tab shows staging 1.1.0 from the embedded Prometheus, p95 included', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);
  const staging = (await environments(request, token)).find(
    e =>
      e.entityRef === 'component:default/ibias-api' &&
      e.environment === 'staging',
  )!;
  expect(staging.version).toBe('1.1.0');
  // Traffic a user would send (probes and scrapes do not count as requests).
  for (let i = 0; i < 60; i++) {
    const res = await request.get(`${staging.url}/api/v1/echo?i=${i}`);
    expect(res.status()).toBeLessThan(500);
  }
  await page.goto('/catalog/default/component/ibias-api/metrics?range=15m');
  await page.getByRole('button', { name: 'Enter' }).click();
  const card = page.getByTestId('signals-staging-1.1.0');
  // Prometheus scrapes every 15 s and a rate needs two scrapes: reload until it has them.
  await expect(async () => {
    await page.reload();
    await expect(card).toBeVisible({ timeout: 10_000 });
    await expect(card).toContainText(/p95\s*[\d.]+ ms/, { timeout: 1_000 });
  }).toPass({ timeout: 150_000, intervals: [5_000] });
  await expect(page.getByTestId('signals-source')).toHaveCount(0);
  await expect(card).toContainText(/Error rate\s*\d+\.\d\d %/);
  await page.screenshot({
    path: `${artifactsDir}/metrics-tab-prometheus.png`,
    fullPage: true,
  });
  // The API says where the figures come from.
  const res = await request.get(
    '/api/ibias-metrics/golden-signals?entityRef=component:default/ibias-api&range=15m',
    { headers: { Authorization: `Bearer ${token}` } },
  );
  const body = await res.json();
  expect(body).toMatchObject({ configured: true, source: 'prometheus' });
  const series = body.series.find(
    (x: { environment: string; version: string }) =>
      x.environment === 'staging' && x.version === '1.1.0',
  );
  expect(series.summary.p95.value).toBeGreaterThan(0);
  expect(series.summary.requests).toBeGreaterThan(0);
});

test('in the browser: a service the guest does not own shows Deploy disabled and why', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/ai-recommendations/deployments');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(page.getByTestId('deploy-denied-staging')).toHaveText(
    /Only members of ai-team may deploy ai-recommendations/,
  );
  await expect(page.getByTestId('deploy-staging')).toBeDisabled();
  await page.screenshot({ path: `${artifactsDir}/deployments-not-owner.png` });
});

test('in the browser: the environments file with masked secrets, baseline results and a diff; a service without one says so', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/ibias-api/deployments');
  await page.getByRole('button', { name: 'Enter' }).click();
  const card = page.getByTestId('environment-config');
  await expect(card.getByTestId('baseline-summary')).toHaveText(
    'Every environment meets the baseline',
  );
  await expect(card).toContainText('secret:DATABASE_URL_PROD');
  await expect(card.getByTestId('config-diff')).toContainText(
    'security.rateLimit.max',
  );
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: `${artifactsDir}/deployments-config.png`,
    fullPage: true,
  });
  await page.goto('/catalog/default/component/data-sync/deployments');
  await expect(page.getByTestId('config-errors')).toHaveText(
    'data-sync has no ibias.io/environments annotation naming its environments file',
  );
});

test('50 concurrent deploy requests for one service and environment: one accepted, 49 conflicts naming the holder', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const responses = await Promise.all(
    Array.from({ length: 50 }, () =>
      request.post(`${api}/deployments`, {
        headers,
        data: {
          entityRef: 'component:default/ibias-api',
          environment: 'development',
          version: '1.0.0',
          strategy: 'blue-green',
        },
      }),
    ),
  );
  const statuses = responses.map(r => r.status());
  expect(statuses.filter(s => s === 202)).toHaveLength(1);
  expect(statuses.filter(s => s === 409)).toHaveLength(49);
  const accepted = await responses[statuses.indexOf(202)].json();
  const conflict = await responses[statuses.indexOf(409)].json();
  expect(conflict.error.message).toContain(
    `locked by deployment ${accepted.id}`,
  );
  // Let it finish so the environment is free again.
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${api}/deployments/${accepted.id}`, {
              headers,
            })
          ).json()
        ).status,
      { timeout: 150_000 },
    )
    .toBe('succeeded');
});

test('a retried request with the same Idempotency-Key returns the same deployment; dry-run changes nothing', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const body = {
    entityRef: 'component:default/ibias-api',
    environment: 'development',
    version: '1.1.0',
    strategy: 'rolling',
  };
  const plan = await request.post(`${api}/deployments`, {
    headers,
    data: { ...body, dryRun: true },
  });
  expect(plan.status()).toBe(200);
  const p = await plan.json();
  expect(p.previousVersion).toBe('1.0.0');
  expect(p.steps.map((s: { id: string }) => s.id)).toContain('rolling-50');
  const before = await (
    await request.get(
      `${api}/deployments?entityRef=component:default/ibias-api&environment=development`,
      { headers },
    )
  ).json();

  const key = { ...headers, 'Idempotency-Key': `e2e-${Date.now()}` };
  const first = await request.post(`${api}/deployments`, {
    headers: key,
    data: body,
  });
  const second = await request.post(`${api}/deployments`, {
    headers: key,
    data: body,
  });
  expect(first.status()).toBe(202);
  expect(second.status()).toBe(200);
  expect((await second.json()).id).toBe((await first.json()).id);
  const after = await (
    await request.get(
      `${api}/deployments?entityRef=component:default/ibias-api&environment=development`,
      { headers },
    )
  ).json();
  expect(after.items).toHaveLength(before.items.length + 1);
  // The same key with another body is refused.
  const reused = await request.post(`${api}/deployments`, {
    headers: key,
    data: { ...body, version: '1.2.0' },
  });
  expect(reused.status()).toBe(409);
  expect((await reused.json()).error.message).toMatch(
    /used for a different request/,
  );
});

test('permissions: the guest (web-team) may not deploy a service web-team does not own, and may not approve', async ({
  request,
}) => {
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const denied = await request.post(`${api}/deployments`, {
    headers,
    data: {
      entityRef: 'component:default/ai-recommendations',
      environment: 'development',
      version: '1.0.0',
      strategy: 'blue-green',
    },
  });
  expect(denied.status()).toBe(403);
  expect((await denied.json()).error.message).toBe(
    'ibias.deployments.deploy on component:default/ai-recommendations in development is not allowed',
  );

  // An owner's production deploy waits for a release manager.
  const pending = await request.post(`${api}/deployments`, {
    headers,
    data: {
      entityRef: 'component:default/ibias-api',
      environment: 'production',
      version: '1.1.0',
      strategy: 'canary',
    },
  });
  expect(pending.status()).toBe(202);
  const d = await pending.json();
  expect(d.status).toBe('pending_approval');
  expect(Date.parse(d.approvalExpiresAt) - Date.parse(d.createdAt)).toBe(
    60 * 60_000,
  );
  const approve = await request.post(`${api}/deployments/${d.id}/approve`, {
    headers,
    data: { version: '1.1.0' },
  });
  expect(approve.status()).toBe(403);
  // The requester may withdraw it; the lock is free again.
  const abort = await request.post(`${api}/deployments/${d.id}/abort`, {
    headers,
    data: {},
  });
  expect(abort.status()).toBe(200);
  expect((await abort.json()).status).toBe('aborted');
});

test.describe('bad requests get a clear 4xx and change nothing', () => {
  const cases: Array<[string, object, number, RegExp]> = [
    [
      'an unknown environment',
      { environment: 'qa' },
      400,
      /environment must be equal to one of the allowed values: development, staging, production/,
    ],
    [
      'a version that is not semver',
      { version: 'latest' },
      400,
      /^request\/body\/version must be a semantic version such as 1\.2\.0/,
    ],
    [
      'a version the target does not have',
      { version: '9.9.9' },
      400,
      /no version 9\.9\.9.*known: 1\.2\.0, 1\.1\.0, 1\.0\.0/,
    ],
    [
      'an unknown strategy',
      { strategy: 'yolo' },
      400,
      /strategy must be equal to one of/,
    ],
    [
      'an unknown field',
      { force: true },
      400,
      /^request\/body\/force is not a field this request accepts$/,
    ],
    [
      'an entity that is not in the catalog',
      { entityRef: 'component:default/nope' },
      404,
      /No entity component:default\/nope/,
    ],
  ];
  for (const [label, patch, status, message] of cases) {
    test(label, async ({ request }) => {
      const token = await guestToken(request);
      const res = await request.post(`${api}/deployments`, {
        headers: { Authorization: `Bearer ${token}` },
        data: {
          entityRef: 'component:default/ibias-api',
          environment: 'development',
          version: '1.0.0',
          strategy: 'blue-green',
          ...patch,
        },
      });
      expect(res.status()).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    });
  }

  test('anonymous callers are refused', async ({ request }) => {
    const res = await request.get(`${api}/environments`);
    expect(res.status()).toBe(401);
  });
});

test('MCP actions: deploy, rollback and status are registered and apply the same checks', async ({
  request,
}) => {
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const actions = `${api}/.backstage/actions/v1/actions`;
  const list = await (await request.get(actions, { headers })).json();
  expect(list.actions.map((a: { id: string }) => a.id)).toEqual([
    'ibias-deployments:deploy-service',
    'ibias-deployments:rollback-deployment',
    'ibias-deployments:deployment-status',
  ]);
  const plan = await request.post(
    `${actions}/ibias-deployments:deploy-service/invoke`,
    {
      headers,
      data: {
        entityRef: 'component:default/ibias-api',
        environment: 'staging',
        version: '1.0.0',
        strategy: 'canary',
        dryRun: true,
      },
    },
  );
  expect(plan.status()).toBe(200);
  expect((await plan.json()).output).toMatchObject({
    status: 'planned',
    message: expect.stringContaining('1.1.0 → 1.0.0 in staging'),
  });
  const denied = await request.post(
    `${actions}/ibias-deployments:deploy-service/invoke`,
    {
      headers,
      data: {
        entityRef: 'component:default/ai-recommendations',
        environment: 'staging',
        version: '1.0.0',
        strategy: 'canary',
      },
    },
  );
  expect(denied.status()).toBe(403);
  const status = await request.post(
    `${actions}/ibias-deployments:deployment-status/invoke`,
    { headers, data: { entityRef: 'component:default/ibias-api' } },
  );
  expect(status.status()).toBe(200);
  expect((await status.json()).output.environments).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ environment: 'staging', version: '1.1.0' }),
    ]),
  );
});

test('in the browser: Roll back asks for the version, offers the previous one first, and puts it back', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const token = await guestToken(request);
  const development = async () =>
    (await environments(request, token)).find(
      e =>
        e.entityRef === 'component:default/ibias-api' &&
        e.environment === 'development',
    );
  // The idempotency test left a rolling 1.1.0 deploy running: let it finish.
  await expect
    .poll(async () => (await development())?.lockedBy, { timeout: 150_000 })
    .toBeNull();
  expect((await development())?.version).toBe('1.1.0');

  await page.goto('/catalog/default/component/ibias-api/deployments');
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByTestId('history')
    .locator('tr[data-status="succeeded"]', { hasText: 'development' })
    .filter({ hasText: '1.0.0 → 1.1.0' })
    .first()
    .click();
  await page.getByTestId('deployment-details').getByTestId('rollback').click();
  await expect(page.getByTestId('confirm-rollback')).toHaveText(
    'Roll back to 1.0.0',
  );
  await expect(page.getByTestId('confirm-rollback')).toBeEnabled();
  await page.waitForTimeout(300); // the button's colour transition, for the screenshot
  await page.screenshot({ path: `${artifactsDir}/deployments-rollback.png` });
  await page.getByTestId('confirm-rollback').click();
  const details = page.getByTestId('deployment-details');
  await expect(details).toContainText('1.0.0 to development');
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.getByTestId('version-development')).toHaveText('1.0.0');
  const after = await development();
  expect(after?.traffic).toEqual({ '1.0.0': 100 });
});

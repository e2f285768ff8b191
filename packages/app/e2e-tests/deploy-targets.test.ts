import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { APIRequestContext, expect, Page, test } from '@playwright/test';
import {
  artifactsDir,
  deployFromTheTab,
  deploymentsSnapshot,
  guestToken,
} from './helpers';

// Vercel and Supabase as deploy targets, against scripts/deploy-target-loopbacks.ts
// (neither can be reached from these machines), with
// app-config.deploy-targets-loopback.yaml on top: ibias-web deploys to Vercel in staging
// (a project of its own) and production, ai-recommendations to Supabase Edge Functions.
// The loopback Vercel has the tags 1.0.0, 1.1.0 and 1.2.0 built (1.2.0 answers 500 to
// 30 % of its callers), sends 40 requests a second of real callers to each production
// domain and drains what every deployment served to the portal, signed, each second.
// scripts/test-all.sh runs @targets-guest as the guest (web-team), @targets-release as
// rita.release and @targets-supabase as ada.ai (ai-team), on one data folder.
test.describe.configure({ mode: 'serial' });

const api = '/api/ibias-deployments';
const vercel = `http://127.0.0.1:${process.env.VERCEL_LOOPBACK_PORT ?? 7191}`;
const supabase = `http://127.0.0.1:${
  process.env.SUPABASE_LOOPBACK_PORT ?? 7192
}`;
const VERCEL_TOKEN = 'e2e-vercel-token';
const DRAIN_SECRET = 'e2e-drain-secret';
const pendingFile = `${artifactsDir}/deploy-targets-pending.json`;

/** Vercel's REST API (the loopback), as a person with the token would read it. */
async function vercelApi(request: APIRequestContext, path: string) {
  const res = await request.get(`${vercel}${path}`, {
    headers: { Authorization: `Bearer ${VERCEL_TOKEN}` },
  });
  expect(res.status(), path).toBe(200);
  return res.json();
}

/** What a production domain serves now (its /health names the version). */
async function servedVersion(request: APIRequestContext, domain: string) {
  const res = await request.get(`${vercel}/_deployments/${domain}/health`);
  return res.ok() ? (await res.json()).version : `HTTP ${res.status()}`;
}

async function deploymentOf(
  request: APIRequestContext,
  projectId: string,
  version: string,
) {
  const { deployments } = await vercelApi(
    request,
    `/v6/deployments?projectId=${projectId}&target=production&limit=100`,
  );
  return (
    deployments as Array<{ uid: string; meta?: { ibiasVersion?: string } }>
  ).filter(d => d.meta?.ibiasVersion === version);
}

async function signIn(page: Page, path: string) {
  await page.goto(path);
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor();
  await enter.click();
  await expect(enter).toHaveCount(0);
}

/**
 * On a Deployments tab: Roll back the staging deploy 1.0.0 → 1.1.0 from its history row,
 * and wait until 1.0.0 runs there again.
 */
async function rollBackStagingTo100(page: Page) {
  const details = page.getByTestId('deployment-details');
  await page
    .getByTestId('history')
    .locator('tr[data-status="succeeded"]', { hasText: 'staging' })
    .filter({ hasText: '1.0.0 → 1.1.0' })
    .first()
    .click();
  await details.getByTestId('rollback').click();
  await expect(page.getByTestId('confirm-rollback')).toHaveText(
    'Roll back to 1.0.0',
  );
  await page.getByTestId('confirm-rollback').click();
  await expect(details).toContainText('1.0.0 to staging');
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 90_000,
  });
  await expect(page.getByTestId('version-staging')).toHaveText('1.0.0');
}

/** Deploys each version to staging blue-green from the tab, and waits for it to run. */
async function deployToStaging(
  page: Page,
  versions: string[],
  serves: () => Promise<string>,
) {
  const details = page.getByTestId('deployment-details');
  for (const version of versions) {
    await deployFromTheTab(page, 'staging', version, 'blue-green');
    await expect(details).toContainText(`${version} to staging`);
    await expect(details.getByTestId('status-succeeded')).toBeVisible({
      timeout: 90_000,
    });
    await expect(page.getByTestId('version-staging')).toHaveText(version);
    expect(await serves()).toBe(version);
  }
}

const drain = (request: APIRequestContext, body: string, signature: string) =>
  request.post(`${api}/vercel/log-drain`, {
    headers: {
      'content-type': 'application/json',
      'x-vercel-signature': signature,
    },
    data: body,
  });
const sign = (body: string, secret = DRAIN_SECRET) =>
  createHmac('sha1', secret).update(body).digest('hex');

test('@targets-guest drain batches with a bad signature, replayed, or for a deployment Vercel never listed change nothing', async ({
  request,
}) => {
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  // The deploy dialog's versions: what Vercel built from tags, read through the target.
  const versions = await request.get(
    `${api}/versions?entityRef=component:default/ibias-web&environment=staging`,
    { headers },
  );
  expect(versions.status()).toBe(200);
  expect(await versions.json()).toMatchObject({
    target: 'vercel',
    versions: ['1.2.0', '1.1.0', '1.0.0'],
  });
  const [known] = await deploymentOf(request, 'prj_ibiaswebstaging', '1.0.0');
  const before = await deploymentsSnapshot(request, headers);
  const entry = (deploymentId: string) => ({
    id: randomUUID(),
    requestId: randomUUID(),
    deploymentId,
    projectId: 'prj_ibiaswebstaging',
    timestamp: Date.now(),
    statusCode: 500,
    proxy: { statusCode: 500, userAgent: ['curl/8'] },
  });

  // Vercel's verification handshake is answered, unauthenticated.
  const handshake = await request.get(`${api}/vercel/log-drain`);
  expect(handshake.status()).toBe(200);
  expect(handshake.headers()['x-vercel-verify']).toBe('e2e-verify');

  const batch = JSON.stringify([entry(known.uid), entry(known.uid)]);
  for (const bad of [
    sign(batch, 'not-the-secret'),
    sign(`${batch} `),
    'deadbeef',
    '',
  ]) {
    const res = await drain(request, batch, bad);
    expect(res.status()).toBe(403);
    expect(await res.text()).not.toContain(DRAIN_SECRET);
  }
  const first = await drain(request, batch, sign(batch));
  expect(first.status()).toBe(200);
  expect(await first.json()).toEqual({ stored: 2, duplicates: 0, ignored: 0 });
  // Vercel retries a batch it thinks failed: counted once.
  const replay = await drain(request, batch, sign(batch));
  expect(await replay.json()).toEqual({ stored: 0, duplicates: 2, ignored: 0 });
  // A deployment Vercel's API never listed (forged, or of a deleted build), and
  // another project's, are ignored.
  const forged = JSON.stringify([
    entry('dpl_NeverListedByVercel'),
    { ...entry(known.uid), projectId: 'prj_someoneelse' },
  ]);
  const ignored = await drain(request, forged, sign(forged));
  expect(await ignored.json()).toEqual({
    stored: 0,
    duplicates: 0,
    ignored: 2,
  });
  // None of it deployed, aborted or rolled anything back.
  expect(await deploymentsSnapshot(request, headers)).toEqual(before);
});

test('@targets-guest in the browser: ibias-web on Vercel staging; 1.2.0 as a rolling release is aborted at 10 % on its drained logs; Roll back is an instant rollback', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  await signIn(page, '/catalog/default/component/ibias-web/deployments');
  const details = page.getByTestId('deployment-details');
  await deployToStaging(page, ['1.0.0', '1.1.0'], () =>
    servedVersion(request, 'staging.ibias.example.com'),
  );
  // Promoted, not rebuilt: Vercel still has one deployment per tag.
  const [v100] = await deploymentOf(request, 'prj_ibiaswebstaging', '1.0.0');
  const [v110] = await deploymentOf(request, 'prj_ibiaswebstaging', '1.1.0');
  const [v120] = await deploymentOf(request, 'prj_ibiaswebstaging', '1.2.0');
  expect(
    (await deploymentOf(request, 'prj_ibiaswebstaging', '1.1.0')).length,
  ).toBe(1);
  // Production (the other project) is untouched.
  expect(await servedVersion(request, 'ibias.example.com')).toMatch(
    /^HTTP 404/,
  );

  const started = Date.now();
  await deployFromTheTab(page, 'staging', '1.2.0', 'canary');
  await expect(details.getByTestId('status-rolled_back')).toBeVisible({
    timeout: 120_000,
  });
  fs.writeFileSync(
    `${artifactsDir}/deploy-targets-rolling-timing.txt`,
    `ibias-web 1.2.0 rolling release on Vercel → aborted in ${Math.round(
      (Date.now() - started) / 1000,
    )} s\n`,
  );
  await expect(details.getByTestId('deployment-reason')).toContainText(
    /Rollback trigger: error rate \d+\.\d% > 5%/,
  );
  // The failing evidence is the drained logs of real callers of 1.2.0's deployment.
  const failing = details.locator('[data-verdict="fail"]');
  await expect(failing.first()).toContainText('analysis-10');
  await expect(failing.first()).toContainText(
    `Vercel log drains of ${v120.uid} (1.2.0)`,
  );
  await expect(page.getByTestId('version-staging')).toHaveText('1.1.0');
  await page.screenshot({
    path: `${artifactsDir}/deploy-targets-vercel-rolling-aborted.png`,
    fullPage: true,
  });

  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const history = await (
    await request.get(
      `${api}/deployments?entityRef=component:default/ibias-web&limit=10`,
      { headers },
    )
  ).json();
  const aborted = history.items.find(
    (d: { version: string }) => d.version === '1.2.0',
  );
  const steps = Object.fromEntries(
    aborted.steps.map((s: { id: string; status: string }) => [s.id, s.status]),
  );
  expect(steps).toMatchObject({
    'traffic-10': 'succeeded',
    'analysis-10': 'failed',
    'traffic-50': 'skipped',
  });
  const evidence = aborted.evidence.filter(
    (e: { stepId: string; check: string; verdict: string }) =>
      e.stepId === 'analysis-10' &&
      e.check === 'error-rate' &&
      e.verdict === 'fail',
  );
  expect(evidence.length).toBeGreaterThanOrEqual(1);
  for (const e of evidence) {
    expect(e.source).toBe('log-drain');
    expect(e.samples).toBeGreaterThanOrEqual(10);
  }
  // Vercel: the rolling release was aborted and production is 1.1.0's deployment again.
  const { rollingRelease } = await vercelApi(
    request,
    '/v1/projects/prj_ibiaswebstaging/rolling-release?state=ABORTED',
  );
  expect(rollingRelease?.canaryDeployment?.id).toBe(v120.uid);
  const project = await vercelApi(request, '/v9/projects/prj_ibiaswebstaging');
  expect(project.targets.production.id).toBe(v110.uid);
  expect(await servedVersion(request, 'staging.ibias.example.com')).toBe(
    '1.1.0',
  );

  // Roll back 1.1.0 from its history row: Vercel's instant rollback to 1.0.0's deployment.
  await rollBackStagingTo100(page);
  const after = await vercelApi(request, '/v9/projects/prj_ibiaswebstaging');
  expect(after.targets.production.id).toBe(v100.uid);
  expect(await servedVersion(request, 'staging.ibias.example.com')).toBe(
    '1.0.0',
  );
  await page.screenshot({
    path: `${artifactsDir}/deploy-targets-vercel-rolled-back.png`,
    fullPage: true,
  });
});

test('@targets-guest ibias-web development is a Vercel preview of the tag behind dev.ibias.example.com', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const res = await request.post(`${api}/deployments`, {
    headers,
    data: {
      entityRef: 'component:default/ibias-web',
      environment: 'development',
      version: '1.1.0',
      strategy: 'blue-green',
    },
  });
  expect(res.status()).toBe(202);
  const { id } = await res.json();
  await expect
    .poll(
      async () =>
        (
          await (
            await request.get(`${api}/deployments/${id}`, { headers })
          ).json()
        ).status,
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe('succeeded');
  expect(await servedVersion(request, 'dev.ibias.example.com')).toBe('1.1.0');
  // A preview built from the tag (no target), not a production deployment.
  const { deployments } = await vercelApi(
    request,
    '/v6/deployments?projectId=prj_ibiasweb&target=preview',
  );
  expect(
    (
      deployments as Array<{
        meta?: { ibiasVersion?: string };
        target: unknown;
      }>
    ).map(d => [d.meta?.ibiasVersion, d.target ?? null]),
  ).toEqual([['1.1.0', null]]);
  const environments = await (
    await request.get(`${api}/environments`, { headers })
  ).json();
  expect(
    environments.items.find(
      (e: { entityRef: string; environment: string }) =>
        e.entityRef === 'component:default/ibias-web' &&
        e.environment === 'development',
    ),
  ).toMatchObject({
    version: '1.1.0',
    traffic: { '1.1.0': 100 },
    url: 'https://dev.ibias.example.com',
  });
  // Production's domain still has nothing.
  expect(await servedVersion(request, 'ibias.example.com')).toMatch(
    /^HTTP 404/,
  );
});

test('@targets-guest ibias-web to Vercel production waits for a release manager; the guest may not deploy ai-recommendations to Supabase', async ({
  request,
}) => {
  const token = await guestToken(request);
  const headers = { Authorization: `Bearer ${token}` };
  const res = await request.post(`${api}/deployments`, {
    headers,
    data: {
      entityRef: 'component:default/ibias-web',
      environment: 'production',
      version: '1.1.0',
      strategy: 'blue-green',
    },
  });
  expect(res.status()).toBe(202);
  const pending = await res.json();
  expect(pending.status).toBe('pending_approval');
  const self = await request.post(`${api}/deployments/${pending.id}/approve`, {
    headers,
    data: { version: '1.1.0' },
  });
  expect(self.status()).toBe(403);
  fs.writeFileSync(pendingFile, JSON.stringify({ id: pending.id }));
  // Nothing reached Vercel's production before the approval.
  expect(await servedVersion(request, 'ibias.example.com')).toMatch(
    /^HTTP 404/,
  );

  const denied = await request.post(`${api}/deployments`, {
    headers,
    data: {
      entityRef: 'component:default/ai-recommendations',
      environment: 'staging',
      version: '1.0.0',
      strategy: 'blue-green',
    },
  });
  expect(denied.status()).toBe(403);
});

test('@targets-release in the browser: a release manager approves ibias-web 1.1.0 for Vercel production and it is promoted', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const { id } = JSON.parse(fs.readFileSync(pendingFile, 'utf8'));
  const token = await guestToken(request, 'user:default/rita.release');
  const headers = { Authorization: `Bearer ${token}` };
  await signIn(page, '/catalog/default/component/ibias-web/deployments');
  await page
    .getByTestId('history')
    .locator('tr[data-status="pending_approval"]', { hasText: 'production' })
    .first()
    .click();
  const details = page.getByTestId('deployment-details');
  await expect(details).toContainText('1.1.0 to production');
  await page.screenshot({
    path: `${artifactsDir}/deploy-targets-vercel-approval.png`,
    fullPage: true,
  });
  await details.getByTestId('approve').click();
  await expect(details.getByTestId('status-succeeded')).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.getByTestId('version-production')).toHaveText('1.1.0');
  const done = await (
    await request.get(`${api}/deployments/${id}`, { headers })
  ).json();
  expect(done.approvedBy).toBe('user:default/rita.release');
  expect(
    done.steps.map((s: { id: string; status: string }) => [s.id, s.status]),
  ).toEqual([
    ['deploy', 'succeeded'],
    ['health', 'succeeded'],
    ['smoke', 'succeeded'],
    ['switch', 'succeeded'],
    ['monitor', 'succeeded'],
    ['cleanup', 'succeeded'],
  ]);
  const [v110] = await deploymentOf(request, 'prj_ibiasweb', '1.1.0');
  const project = await vercelApi(request, '/v9/projects/prj_ibiasweb');
  expect(project.targets.production.id).toBe(v110.uid);
  expect(await servedVersion(request, 'ibias.example.com')).toBe('1.1.0');
});

test('@targets-supabase in the browser: ai-recommendations to its Supabase staging project, then rolled back to the previous version', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const ref = 'ibiasstaging000000000';
  const invoke = async () => {
    const res = await request.get(
      `${supabase}/_invoke/${ref}/functions/v1/ai-recommendations/health`,
    );
    return res.ok() ? (await res.json()).version : `HTTP ${res.status()}`;
  };
  await signIn(
    page,
    '/catalog/default/component/ai-recommendations/deployments',
  );
  await deployToStaging(page, ['1.0.0', '1.1.0'], invoke);
  await rollBackStagingTo100(page);
  // The main slug answers 1.0.0 again: its bundle was redeployed.
  expect(await invoke()).toBe('1.0.0');
  await page.screenshot({
    path: `${artifactsDir}/deploy-targets-supabase-rolled-back.png`,
    fullPage: true,
  });
  // ada.ai (ai-team) may not deploy web-team's ibias-web to Vercel.
  const token = await guestToken(request, 'user:default/ada.ai');
  const denied = await request.post(`${api}/deployments`, {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      entityRef: 'component:default/ibias-web',
      environment: 'staging',
      version: '1.1.0',
      strategy: 'blue-green',
    },
  });
  expect(denied.status()).toBe(403);
});

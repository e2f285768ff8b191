import { expect, test } from '@playwright/test';
import { artifactsDir, deploymentsSnapshot, guestToken } from './helpers';

// Run by scripts/test-all.sh on the e2e stage's data after restarting the portal with
// APP_CONFIG_auth_providers_guest_userEntityRef=user:default/nora.nobody: a signed-in
// user who owns nothing. The history the earlier stages wrote is there to act on.
const api = '/api/ibias-deployments';
const nobody = 'user:default/nora.nobody';
const services = ['ibias-api', 'ibias-web', 'ai-recommendations'];
const environments = ['development', 'staging', 'production'] as const;

test('@nobody a user who owns nothing gets 403 for every deploy, rollback, abort and approval, and nothing is written', async ({
  request,
}) => {
  const token = await guestToken(request, nobody);
  const headers = { Authorization: `Bearer ${token}` };
  const snapshot = () => deploymentsSnapshot(request, headers);
  const before = await snapshot();
  // The earlier stages deployed: there is history to try the other actions on.
  expect(before.history.length).toBeGreaterThan(0);

  for (const service of services) {
    for (const environment of environments) {
      for (const dryRun of [false, true]) {
        const res = await request.post(`${api}/deployments`, {
          headers,
          data: {
            entityRef: `component:default/${service}`,
            environment,
            version: '1.1.0',
            strategy: 'blue-green',
            dryRun,
          },
        });
        expect(res.status(), `${service} ${environment} dryRun=${dryRun}`).toBe(
          403,
        );
        expect((await res.json()).error.message).toBe(
          `ibias.deployments.deploy on component:default/${service} in ${environment} is not allowed`,
        );
      }
    }
  }

  const list = await request.get(`${api}/deployments?limit=100`, { headers });
  const items = (await list.json()).items as Array<{
    id: string;
    status: string;
    version: string;
  }>;
  const succeeded = items.find(d => d.status === 'succeeded')!;
  expect(succeeded).toBeDefined();
  for (const [action, data] of [
    ['rollback', {}],
    ['abort', {}],
    ['approve', { version: succeeded.version }],
  ] as const) {
    const res = await request.post(
      `${api}/deployments/${succeeded.id}/${action}`,
      { headers, data },
    );
    expect(res.status(), action).toBe(403);
    expect((await res.json()).error.message).toMatch(/is not allowed/);
  }

  // The MCP action applies the same check.
  const mcp = await request.post(
    `${api}/.backstage/actions/v1/actions/ibias-deployments:deploy-service/invoke`,
    {
      headers,
      data: {
        entityRef: 'component:default/ibias-api',
        environment: 'development',
        version: '1.1.0',
        strategy: 'blue-green',
      },
    },
  );
  expect(mcp.status()).toBe(403);

  expect(await snapshot()).toEqual(before);
});

test('@nobody in the browser: Deploy and Roll back are disabled, and the tab says why', async ({
  page,
}) => {
  await page.goto('/catalog/default/component/ibias-api/deployments');
  await page.getByRole('button', { name: 'Enter' }).click();
  for (const environment of environments) {
    await expect(page.getByTestId(`deploy-denied-${environment}`)).toHaveText(
      'Only members of web-team may deploy ibias-api',
    );
    await expect(page.getByTestId(`deploy-${environment}`)).toBeDisabled();
  }
  await page
    .getByTestId('history')
    .locator('tr[data-status="succeeded"]')
    .first()
    .click();
  const details = page.getByTestId('deployment-details');
  await expect(details.getByTestId('rollback')).toBeDisabled();
  await expect(details.getByTestId('actions-denied')).toHaveText(
    'Only members of web-team may roll back ibias-api',
  );
  await page.screenshot({
    path: `${artifactsDir}/deployments-owns-nothing.png`,
    fullPage: true,
  });
});

import { APIRequestContext, expect, Page } from '@playwright/test';
import type { AlphaEntity as Entity } from '@backstage/catalog-model/alpha';

/**
 * Signs in as guest the way the sign-in page does, checks who the guest is (the portal
 * may point the guest at another user), and returns the Backstage token.
 */
export async function guestToken(
  request: APIRequestContext,
  user = 'user:default/guest',
): Promise<string> {
  const res = await request.get('/api/auth/guest/refresh', {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.backstageIdentity?.identity?.userEntityRef).toBe(user);
  return body.backstageIdentity.token;
}

export async function listEntities(
  request: APIRequestContext,
  token: string,
): Promise<Entity[]> {
  const res = await request.get('/api/catalog/entities', {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  return res.json();
}

export const artifactsDir = 'e2e-artifacts';

/** The portal's data folder (scripts/test-all.sh points the e2e portal at a scratch one). */
export const dataDir = process.env.IBIAS_DATA_DIR ?? 'data';

type Headers = Record<string, string>;

/**
 * What the deployments API says happened and runs: the history (id, status, last change)
 * and each service's version per environment. Two equal snapshots mean nothing was
 * deployed, approved, aborted or rolled back in between.
 */
export async function deploymentsSnapshot(
  request: APIRequestContext,
  headers: Headers,
) {
  const api = '/api/ibias-deployments';
  const history = await request.get(`${api}/deployments?limit=200`, {
    headers,
  });
  expect(history.status()).toBe(200);
  const states = await request.get(`${api}/environments`, { headers });
  expect(states.status()).toBe(200);
  return {
    history: (await history.json()).items.map(
      (d: { id: string; status: string; updatedAt: string }) =>
        `${d.id} ${d.status} ${d.updatedAt}`,
    ) as string[],
    running: (await states.json()).items.map(
      (e: { entityRef: string; environment: string; version: string }) =>
        `${e.entityRef} ${e.environment} ${e.version}`,
    ) as string[],
  };
}

/** Starts a scaffolder task from a template and returns its id. */
export async function startTask(
  request: APIRequestContext,
  headers: Headers,
  templateRef: string,
  values: Record<string, string>,
): Promise<string> {
  const res = await request.post('/api/scaffolder/v2/tasks', {
    headers,
    data: { templateRef, values },
  });
  expect(res.status(), JSON.stringify(values)).toBe(201);
  return (await res.json()).id;
}

/** Waits until a task has finished; its status and its log, one message a line. */
export async function finishedTask(
  request: APIRequestContext,
  headers: Headers,
  id: string,
  timeout = 240_000,
) {
  let status = 'open';
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/scaffolder/v2/tasks/${id}`, {
          headers,
        });
        status = (await res.json()).status;
        return ['completed', 'failed', 'cancelled'].includes(status);
      },
      { timeout, intervals: [1000] },
    )
    .toBe(true);
  const events = await (
    await request.get(`/api/scaffolder/v2/tasks/${id}/events`, { headers })
  ).json();
  const log = (events as Array<{ type: string; body: { message?: string } }>)
    .filter(e => e.type === 'log')
    .map(e => e.body.message ?? '')
    .join('\n');
  return { status, log };
}

/** Opens the Deploy dialog of an environment on a Deployments tab and starts a deploy. */
export async function deployFromTheTab(
  page: Page,
  environment: string,
  version: string,
  strategy: string,
) {
  await page.getByTestId(`deploy-${environment}`).click();
  const dialog = page.getByRole('dialog', { name: `Deploy to ${environment}` });
  await dialog.getByRole('button', { name: /Version$/ }).click();
  await page.getByRole('option', { name: version, exact: true }).click();
  // @backstage/ui radios hide the native input: choose by the label.
  await dialog
    .getByRole('radiogroup', { name: 'Strategy' })
    .getByText(strategy, { exact: true })
    .click();
  await expect(
    dialog.getByRole('radio', { name: strategy, exact: true }),
  ).toBeChecked();
  await expect(page.getByTestId('deploy-plan')).toContainText(`→ ${version}`);
  await page.getByTestId('confirm-deploy').click();
}

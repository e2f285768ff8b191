import { APIRequestContext, expect, test } from '@playwright/test';
import { finishedTask, guestToken, startTask } from './helpers';

// The GitHub publishing path, against scripts/github-loopback.mjs (GitHub cannot be
// reached here). scripts/test-all.sh starts the loopback and a backend with
// e2e-tests/app-config.github-loopback.yaml on top, then runs the @github tests.
const loopback = `http://127.0.0.1:${
  process.env.IBIAS_GITHUB_LOOPBACK_PORT ?? 7190
}`;

test.describe.configure({ mode: 'serial' });

async function runTask(
  request: APIRequestContext,
  token: string,
  templateRef: string,
  values: Record<string, string>,
) {
  const headers = { Authorization: `Bearer ${token}` };
  const id = await startTask(request, headers, templateRef, values);
  return finishedTask(request, headers, id);
}

async function loopbackState(request: APIRequestContext) {
  const res = await request.get(`${loopback}/_loopback/state`);
  expect(res.status()).toBe(200);
  return res.json();
}

test('@github ibias-web-app is verified, then published to GitHub with branch protection, a production environment and a catalog entry', async ({
  request,
}) => {
  test.setTimeout(300_000);
  const token = await guestToken(request);
  const name = 'gh-storefront';
  const { status, log } = await runTask(
    request,
    token,
    'template:default/ibias-web-app',
    {
      name,
      description: 'The storefront, published to GitHub',
      owner: 'group:default/web-team',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
    },
  );
  expect({ status, log: status === 'completed' ? '' : log }).toEqual({
    status: 'completed',
    log: '',
  });
  expect(log).toContain('Publishing to GitHub organisation ibias-e2e');
  // The verification gate built, tested, started and probed the Next.js app first.
  expect(log).toMatch(/Verified in \d+ s: \d+ tests passed/);
  expect(log).not.toMatch(/Skipping: default branch protection/);

  const repo = (await loopbackState(request)).repos[`ibias-e2e/${name}`];
  expect(repo).toBeDefined();
  expect(repo.private).toBe(true);
  expect(repo.description).toBe('The storefront, published to GitHub');
  // One real git push of the verified repository (formatted, with its lockfile).
  expect(repo.pushes).toBe(1);
  expect(repo.files).toEqual(
    expect.arrayContaining([
      '.github/workflows/ci-cd.yml',
      '.github/dependabot.yml',
      'CODEOWNERS',
      'catalog-info.yaml',
      'environments.yaml',
      'package-lock.json',
      'app/page.tsx',
      'server/app.ts',
    ]),
  );
  expect(repo.files).not.toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^(node_modules|\.next|dist)\//),
    ]),
  );
  // Branch protection on main: one approving review, code owners, stale reviews dismissed.
  expect(repo.protection.main.required_pull_request_reviews).toMatchObject({
    required_approving_review_count: 1,
    require_code_owner_reviews: true,
    dismiss_stale_reviews: true,
  });
  // A production environment whose required reviewer is the owning team.
  expect(repo.environments.production.reviewers).toEqual([
    { type: 'Team', id: 101 },
  ]);

  // Registered in the catalog from the GitHub URL, read back through the URL reader.
  // (ibias:catalog:register-github adds the location with the scaffolder's own
  // credentials; the entity appears once it is stitched)
  const byName = () =>
    request.get(`/api/catalog/entities/by-name/component/default/${name}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  await expect
    .poll(async () => (await byName()).status(), { timeout: 60_000 })
    .toBe(200);
  const entity = await (await byName()).json();
  expect(entity.spec.owner).toBe('group:default/web-team');
  expect(
    entity.metadata.annotations['backstage.io/managed-by-location'],
  ).toMatch(
    new RegExp(
      `^url:${loopback}/ibias-e2e/${name}/(blob|tree)/main/catalog-info.yaml$`,
    ),
  );
  expect(entity.spec.type).toBe('website');
  expect(entity.metadata.annotations['backstage.io/source-template']).toBe(
    'template:default/ibias-web-app',
  );
});

test('@github creating the same service again fails clearly and duplicates nothing', async ({
  request,
}) => {
  test.setTimeout(300_000);
  const token = await guestToken(request);
  const before = await loopbackState(request);
  const { status, log } = await runTask(
    request,
    token,
    'template:default/ibias-web-app',
    {
      name: 'gh-storefront',
      description: 'The storefront again',
      owner: 'group:default/web-team',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
    },
  );
  expect(status).toBe('failed');
  // Refused by the preflight step, before the gate and before GitHub is asked.
  expect(log).toMatch(
    /component:default\/gh-storefront already exists in the catalog/,
  );
  const after = await loopbackState(request);
  expect(Object.keys(after.repos)).toEqual(Object.keys(before.repos));
  expect(after.repos['ibias-e2e/gh-storefront'].pushes).toBe(1);
  const res = await request.get(
    '/api/catalog/entities/by-query?filter=metadata.name=gh-storefront',
    { headers: { Authorization: `Bearer ${token}` } },
  );
  expect((await res.json()).items).toHaveLength(1);
});

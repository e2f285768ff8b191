import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { EnvironmentConfigReader } from './EnvironmentConfigReader';

const repo = path.resolve(__dirname, '../../../..');
const sample = fs.readFileSync(
  path.join(repo, 'services/ibias-api/environments.yaml'),
  'utf8',
);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envs-'));
fs.mkdirSync(path.join(root, 'catalog'));
fs.mkdirSync(path.join(root, 'svc'));
fs.writeFileSync(path.join(root, 'svc/good.yaml'), sample);
fs.writeFileSync(
  path.join(root, 'svc/plain-secret.yaml'),
  sample.replace('secret:DATABASE_URL_PROD', 'postgres://app:hunter2@db/ibias'),
);
fs.writeFileSync(path.join(root, 'svc/broken.yaml'), 'production: [unclosed');
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
      throw new Error(`NotFoundError: ${url}`);
    }
    return { buffer: async () => Buffer.from(sample) } as any;
  },
});
const reader = new EnvironmentConfigReader({ urlReader, fileRoots: [root] });

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
    expect(bare.errors).toContain(
      'production.security.encryption: Invalid input: expected object, received undefined',
    );
  });

  it('reads, validates, masks and checks a file next to the catalog file', async () => {
    const r = await reader.read(entity('../svc/good.yaml'));
    expect(r.errors).toEqual([]);
    expect(r.source).toBe(path.join(root, 'svc/good.yaml'));
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
      /Could not read .*ENOENT/,
    ],
    [
      'a file outside the allowed folders',
      entity('../../../etc/passwd'),
      /outside the folders the portal may read/,
    ],
    ['broken YAML', entity('../svc/broken.yaml'), /is not valid YAML/],
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
      /Could not read .*NotFoundError/,
    ],
  ])('%s gives a clear message, never a crash', async (_l, e, message) => {
    const r = await reader.read(e);
    expect(r.errors.join('\n')).toMatch(message);
  });
});

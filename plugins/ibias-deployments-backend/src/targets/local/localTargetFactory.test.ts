import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import { DEFAULT_TIMEOUTS } from '../../config';
import { createTinyRepository } from '../../testing/tinyService';
import { localTargetFactory } from './localTargetFactory';
import { LocalTarget } from './LocalTarget';

jest.setTimeout(120_000);

// The default start: analysis reads the router, and the embedded Prometheus of `npm
// start` still scrapes every deployed instance through the file_sd targets file that
// ibias.deployments.metrics.prometheus.targetsFile names.
describe('localTargetFactory with a targets file and the router as the source', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-local-factory-'));
  const reposDir = path.join(dir, 'repos');
  const repo = path.join(reposDir, 'tiny');
  createTinyRepository(repo, ['1.0.0']);
  const managedBy = `file:${fs.realpathSync(reposDir)}/tiny/catalog-info.yaml`;
  const targetsFile = path.join(dir, 'prometheus', 'targets.json');
  let target: LocalTarget | undefined;

  afterAll(async () => {
    await target?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the deployed instances to the targets file, and analysis still reads the router', async () => {
    const factory = localTargetFactory({
      config: new ConfigReader({
        ibias: {
          scaffolder: { localReposDir: reposDir },
          deployments: {
            // No source: the router (the default) stays what analysis reads.
            metrics: { prometheus: { targetsFile } },
            local: { workDir: path.join(dir, 'work') },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      timeouts: DEFAULT_TIMEOUTS,
      locate: async () => ({ managedBy }),
    });
    const created = await factory.create({ environments: ['development'] });
    if (!(created instanceof LocalTarget)) throw new Error('not a LocalTarget');
    target = created;
    const ref: TargetRef = {
      service: 'tiny',
      entityRef: 'component:default/tiny',
      environment: 'development',
      locations: { managedBy },
    };
    expect(fs.existsSync(targetsFile)).toBe(false);
    await target.deploy(ref, '1.0.0');

    const targets = JSON.parse(fs.readFileSync(targetsFile, 'utf8'));
    const [endpoint] = target.endpoints(ref);
    expect(targets).toEqual([
      {
        targets: [endpoint.url.replace('http://', '')],
        labels: {
          ibias_entity: 'component:default/tiny',
          ibias_service: 'tiny',
          ibias_environment: 'development',
          version: '1.0.0',
        },
      },
    ]);
    // Prometheus is scraped, not asked: analysis and health do not depend on it.
    expect((await target.metrics(ref, '1.0.0', Date.now())).source).toBe(
      'local-router',
    );
    expect(await target.dependencies()).toEqual([]);

    await target.retain(ref, null);
    expect(JSON.parse(fs.readFileSync(targetsFile, 'utf8'))).toEqual([]);
  });
});

import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readLocalTargetConfig } from './plugin';

describe('readLocalTargetConfig (ibias.deployments.local)', () => {
  it('refuses a release that is not a release version, naming it', () => {
    expect(() =>
      readLocalTargetConfig(
        new ConfigReader({
          ibias: {
            deployments: {
              local: {
                samples: { 'ibias-api': {} },
                releases: { 'ibias-api': [{ version: 'latest' }] },
              },
            },
          },
        }),
      ),
    ).toThrow(
      'ibias.deployments.local.releases.ibias-api[0].version must be a release version like 1.2.0, not "latest"',
    );
  });

  it('takes the samples from samples, extra settings from releases, the repositories from the scaffolder', () => {
    const logger = mockServices.logger.mock();
    const local = readLocalTargetConfig(
      new ConfigReader({
        ibias: {
          scaffolder: { localReposDir: '/data/repos' },
          deployments: {
            local: {
              servicesDir: '/srv/services',
              workDir: '/data/deployments',
              samples: { 'ibias-api': {}, 'ai-recommendations': {} },
              releases: {
                'my-service': [
                  { version: '1.1.0', env: { LOG_LEVEL: 'warn' } },
                ],
              },
            },
          },
        },
      }),
      logger,
    );
    expect(local).toMatchObject({
      reposDir: '/data/repos',
      workDir: '/data/deployments',
      samples: {
        names: ['ibias-api', 'ai-recommendations'],
        servicesDir: '/srv/services',
        releasesDir: path.join('/srv/services', 'releases'),
      },
      releases: { 'my-service': { '1.1.0': { env: { LOG_LEVEL: 'warn' } } } },
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('without samples, the names under releases are the samples, with a warning (the old meaning)', () => {
    const logger = mockServices.logger.mock();
    const local = readLocalTargetConfig(
      new ConfigReader({
        ibias: {
          deployments: {
            local: {
              releases: {
                'ibias-api': [
                  { version: '1.0.0' },
                  { version: '1.2.0', env: { FAULT_RATE: '0.2' } },
                ],
              },
            },
          },
        },
      }),
      logger,
    );
    expect(local.samples.names).toEqual(['ibias-api']);
    expect(local.releases['ibias-api']['1.2.0'].env).toEqual({
      FAULT_RATE: '0.2',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^ibias\.deployments\.local\.samples is not set: taking the samples from ibias\.deployments\.local\.releases \(ibias-api\)/,
      ),
    );
  });

  it('has no samples and no repositories when nothing is configured', () => {
    const local = readLocalTargetConfig(new ConfigReader({}));
    expect(local.samples.names).toEqual([]);
    expect(local.reposDir).toBeUndefined();
  });
});

import { ConfigReader } from '@backstage/config';
import { readVercelDrainConfig, readVercelTargetConfig } from './config';

const base = (environments?: object) =>
  new ConfigReader({
    ibias: {
      deployments: {
        vercel: {
          token: 't',
          projects: {
            'ibias-web': {
              projectId: 'prj_web',
              repo: { org: 'ibias', repo: 'ibias-web' },
              tagPrefix: 'v',
              ...(environments ? { environments } : {}),
            },
          },
        },
      },
    },
  });

describe('readVercelTargetConfig', () => {
  it('is undefined when ibias.deployments.vercel is not configured', () => {
    expect(readVercelTargetConfig(new ConfigReader({}))).toBeUndefined();
    expect(readVercelDrainConfig(new ConfigReader({})).projectIds.size).toBe(0);
  });

  it('reads per-environment projects and previews, inheriting the repository and tag prefix', () => {
    const c = readVercelTargetConfig(
      base({
        staging: {
          projectId: 'prj_staging',
          productionUrl: 'https://s.example',
        },
        development: { preview: { alias: 'Dev.IBIAS.example.com' } },
      }),
    )!;
    expect(c.apiUrl).toBe('https://api.vercel.com');
    expect(c.buildTimeoutMs).toBe(15 * 60_000);
    expect(c.projects['ibias-web'].environments).toEqual({
      staging: {
        projectId: 'prj_staging',
        repo: { org: 'ibias', repo: 'ibias-web' },
        productionUrl: 'https://s.example',
        tagPrefix: 'v',
      },
      development: {
        projectId: 'prj_web',
        repo: { org: 'ibias', repo: 'ibias-web' },
        productionUrl: undefined,
        tagPrefix: 'v',
        preview: { alias: 'dev.ibias.example.com' },
      },
    });
    // Drain entries of every configured project count.
    expect([
      ...readVercelDrainConfig(base({ staging: { projectId: 'prj_staging' } }))
        .projectIds,
    ]).toEqual(['prj_web', 'prj_staging']);
  });

  it.each([
    {},
    { projectId: 'prj_web' },
    { productionUrl: 'https://x.example' },
  ])(
    'refuses an environment that would promote production: %j',
    environment => {
      expect(() =>
        readVercelTargetConfig(base({ staging: environment })),
      ).toThrow(
        'ibias.deployments.vercel.projects.ibias-web.environments.staging needs a projectId of its own or preview.alias',
      );
    },
  );

  it.each(['not a host', 'https://dev.example.com', 'dev', '-x.example.com'])(
    'refuses the preview alias %j',
    alias => {
      expect(() =>
        readVercelTargetConfig(base({ development: { preview: { alias } } })),
      ).toThrow(
        'ibias.deployments.vercel.projects.ibias-web.environments.development.preview.alias must be a hostname',
      );
    },
  );
});

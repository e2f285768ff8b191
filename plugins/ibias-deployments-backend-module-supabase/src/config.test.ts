import { ConfigReader } from '@backstage/config';
import { readSupabaseLoadProfiles, readSupabaseTargetConfig } from './config';

const project = {
  slug: 'ai-recommendations',
  refs: { staging: 'abcdefghijklmnopqrst' },
  sourceDir: '/srv/functions/ai-recommendations',
};

describe('readSupabaseTargetConfig', () => {
  it('is undefined when the target is not configured', () => {
    expect(readSupabaseTargetConfig(new ConfigReader({}))).toBeUndefined();
  });

  it('fills in the public API and invocation host', () => {
    const config = new ConfigReader({
      ibias: {
        deployments: {
          supabase: {
            token: 'sbp_x',
            projects: { 'ai-recommendations': project },
          },
        },
      },
    });
    expect(readSupabaseTargetConfig(config)).toEqual({
      token: 'sbp_x',
      apiUrl: 'https://api.supabase.com',
      functionsUrl: 'https://{ref}.supabase.co',
      projects: { 'ai-recommendations': project },
    });
  });

  it('reads a repository source, and refuses both or neither of sourceDir and source', () => {
    const read = (p: object) =>
      readSupabaseTargetConfig(
        new ConfigReader({
          ibias: {
            deployments: {
              supabase: { token: 'sbp_x', projects: { fn: p } },
            },
          },
        }),
      );
    const { sourceDir: _, ...withoutDir } = project;
    expect(
      read({
        ...withoutDir,
        allowedRefs: { production: ['tsrqponmlkjihgfedcba'] },
        source: {
          path: 'supabase/functions/fn',
          repository: 'https://github.com/ibias/fn',
        },
      })!.projects.fn,
    ).toEqual({
      ...withoutDir,
      allowedRefs: { production: ['tsrqponmlkjihgfedcba'] },
      source: {
        path: 'supabase/functions/fn',
        repository: 'https://github.com/ibias/fn',
      },
    });
    // The repository comes from config, never the entity's source location.
    expect(() =>
      read({ ...withoutDir, source: { path: 'supabase/functions/fn' } }),
    ).toThrow(/Missing required config value at '.*source\.repository'/);
    for (const p of [
      withoutDir,
      { ...project, source: { path: 'supabase/functions/fn' } },
    ]) {
      expect(() => read(p)).toThrow(
        'ibias.deployments.supabase.projects.fn needs exactly one of sourceDir and source.path',
      );
    }
  });

  it('refuses a slug Supabase would refuse', () => {
    const config = new ConfigReader({
      ibias: {
        deployments: {
          supabase: {
            token: 'sbp_x',
            projects: { x: { ...project, slug: '1-bad' } },
          },
        },
      },
    });
    expect(() => readSupabaseTargetConfig(config)).toThrow(
      'ibias.deployments.supabase.projects.x.slug must match',
    );
  });
});

describe('readSupabaseLoadProfiles', () => {
  it('reads an environment load, else the default', () => {
    const config = new ConfigReader({
      ibias: {
        deployments: {
          environments: { staging: { load: { rps: 5, path: '/health' } } },
        },
      },
    });
    expect(readSupabaseLoadProfiles(config, ['staging', 'production'])).toEqual(
      {
        staging: { rps: 5, method: 'GET', path: '/health', body: undefined },
        production: { rps: 10, method: 'GET', path: '/' },
      },
    );
  });
});

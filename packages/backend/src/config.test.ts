import path from 'node:path';
import { ConfigSources } from '@backstage/config-loader';

const repoRoot = path.resolve(__dirname, '../../..');

async function loadAppConfig(files: string[], env: Record<string, string>) {
  const source = ConfigSources.defaultForTargets({
    rootDir: repoRoot,
    targets: files.map(f => ({ type: 'path', target: path.join(repoRoot, f) })),
    substitutionFunc: async name => env[name],
  });
  return ConfigSources.toConfig(source);
}

describe('app-config', () => {
  it('runs the embedded default on SQLite files under the data folder with guest sign-in', async () => {
    const config = await loadAppConfig(['app-config.yaml'], {});
    expect(config.getString('backend.database.client')).toBe('better-sqlite3');
    // A directory, not ':memory:', so state survives a restart.
    expect(config.getString('backend.database.connection.directory')).toBe(
      '../../data/sqlite',
    );
    expect(config.getStringArray('ibias.signIn.providers')).toEqual(['guest']);
    expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
      'user:default/guest',
    );
    expect(config.getString('app.baseUrl')).toBe(
      config.getString('backend.baseUrl'),
    );
  });

  it('honours IBIAS_DATA_DIR, IBIAS_PORT and IBIAS_GUEST_USER', async () => {
    const config = await loadAppConfig(['app-config.yaml'], {
      IBIAS_DATA_DIR: '/srv/ibias',
      IBIAS_PORT: '7010',
      IBIAS_BASE_URL: 'http://localhost:7010',
      IBIAS_GUEST_USER: 'user:default/nora.nobody',
    });
    expect(config.getString('backend.database.connection.directory')).toBe(
      '/srv/ibias/sqlite',
    );
    expect(config.getNumber('backend.listen.port')).toBe(7010);
    expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
      'user:default/nora.nobody',
    );
  });

  it('uses PostgreSQL and GitHub sign-in, never guest, in production', async () => {
    const config = await loadAppConfig(
      ['app-config.yaml', 'app-config.production.yaml'],
      {
        IBIAS_BASE_URL: 'https://portal.ibias.example',
        POSTGRES_HOST: 'db.internal',
        POSTGRES_USER: 'portal',
        POSTGRES_PASSWORD: 'secret',
        AUTH_GITHUB_CLIENT_ID: 'id',
        AUTH_GITHUB_CLIENT_SECRET: 'secret',
      },
    );
    expect(config.getString('backend.database.client')).toBe('pg');
    expect(config.getString('backend.database.connection.host')).toBe(
      'db.internal',
    );
    expect(config.getString('backend.database.connection.port')).toBe('5432');
    expect(config.getStringArray('ibias.signIn.providers')).toEqual(['github']);
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getString('auth.providers.github.production.clientId')).toBe(
      'id',
    );
    expect(config.getString('app.baseUrl')).toBe(
      'https://portal.ibias.example',
    );
  });

  it.each([
    ['embedded default', ['app-config.yaml'], '../../'],
    ['production', ['app-config.yaml', 'app-config.production.yaml'], './'],
  ])(
    'the %s takes Users, Groups, Locations and Templates only from the organisation’s files',
    async (_label, files, prefix) => {
      const config = await loadAppConfig(files, {
        IBIAS_BASE_URL: 'https://portal.ibias.example',
      });
      const allowedAnywhere = config
        .getConfigArray('catalog.rules')
        .flatMap(r => r.getStringArray('allow'));
      expect(allowedAnywhere.sort()).toEqual(
        ['API', 'Component', 'Domain', 'Resource', 'System'].sort(),
      );
      const perLocation = Object.fromEntries(
        config
          .getConfigArray('catalog.locations')
          .filter(l => l.has('rules'))
          .map(l => [
            l.getString('target'),
            l
              .getConfigArray('rules')
              .flatMap(r => r.getStringArray('allow'))
              .sort(),
          ]),
      );
      expect(perLocation).toEqual({
        [`${prefix}catalog/org.yaml`]: ['Group', 'User'],
        [`${prefix}catalog/all.yaml`]: ['Location'],
        [`${prefix}templates/ibias-service/template.yaml`]: ['Template'],
        [`${prefix}templates/ibias-web-app/template.yaml`]: ['Template'],
      });
    },
  );
});

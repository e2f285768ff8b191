import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { untrustedEnv } from './untrustedEnv';

const portal = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/portal',
  npm_config_cache: '/home/portal/.npm',
  NPM_CONFIG_REGISTRY: 'https://registry.example/',
  npm_config_nodedir: '/opt/node',
  https_proxy: 'http://proxy:3128',
  NODE_EXTRA_CA_CERTS: '/etc/ssl/ca.pem',
  GITHUB_TOKEN: 'ghp_secret',
  AUTH_GITHUB_CLIENT_SECRET: 'oauth-secret',
  POSTGRES_PASSWORD: 'db-secret',
  BACKEND_SECRET: 'backend-secret',
  npm_config__authToken: 'npm-token',
  'npm_config_//registry.example/:_authToken': 'npm-token-2',
  NODE_OPTIONS: '--require /tmp/evil.js',
  NODE_ENV: 'development',
  IBIAS_DATA_DIR: '/srv/data',
};

describe('untrustedEnv', () => {
  it.each([
    ['PATH', true],
    ['HOME', true],
    ['npm_config_cache', true],
    ['NPM_CONFIG_REGISTRY', true],
    ['npm_config_nodedir', true],
    ['https_proxy', true],
    ['NODE_EXTRA_CA_CERTS', true],
    ['GITHUB_TOKEN', false],
    ['AUTH_GITHUB_CLIENT_SECRET', false],
    ['POSTGRES_PASSWORD', false],
    ['BACKEND_SECRET', false],
    ['npm_config__authToken', false],
    ['npm_config_//registry.example/:_authToken', false],
    ['NODE_OPTIONS', false],
    ['NODE_ENV', false],
    ['IBIAS_DATA_DIR', false],
  ])('%s passed on: %s', (key, passed) => {
    const env = untrustedEnv({}, portal);
    expect(key in env).toBe(passed);
    expect(env[key]).toBe(
      passed ? portal[key as keyof typeof portal] : undefined,
    );
  });

  it('puts the caller’s settings on top and drops undefined ones', () => {
    const env = untrustedEnv(
      { PORT: '1234', NODE_ENV: 'production', HOME: '/tmp/h', X: undefined },
      portal,
    );
    expect(env).toMatchObject({
      PORT: '1234',
      NODE_ENV: 'production',
      HOME: '/tmp/h',
    });
    expect('X' in env).toBe(false);
  });

  it('a real child process sees none of the portal’s secrets', async () => {
    const secrets = {
      GITHUB_TOKEN: 'ghp_live',
      AUTH_GITHUB_CLIENT_SECRET: 'live-oauth',
      POSTGRES_PASSWORD: 'live-db',
    };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', 'process.stdout.write(JSON.stringify(process.env))'],
      { env: untrustedEnv({}, { ...process.env, ...secrets }) },
    );
    const seen = JSON.parse(stdout) as Record<string, string>;
    expect(seen.PATH).toBe(process.env.PATH);
    for (const [key, value] of Object.entries(secrets)) {
      expect(seen[key]).toBeUndefined();
      expect(Object.values(seen)).not.toContain(value);
    }
  });
});

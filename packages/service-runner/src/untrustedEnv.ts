/**
 * What code the portal did not write (a generated service's `npm install` scripts, its
 * tests, its build, a sample release) may see of the portal's environment: how to find
 * its tools, its home and temporary folders, the locale, and how to reach the npm
 * registry (cache, registry, proxy and CA settings). Nothing else: the portal's own
 * secrets (GITHUB_TOKEN, AUTH_*_CLIENT_SECRET, POSTGRES_PASSWORD, BACKEND_SECRET, …)
 * never reach it, whatever they are called.
 */
export const UNTRUSTED_ENV_ALLOWED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TERM',
  // proxies and certificate authorities, as the machine is set up to reach the registry
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
] as const;

/**
 * npm settings passed on (matched without regard to case, as npm reads them): where its
 * cache and config are, which registry and proxy, and the headers native addons build
 * against. Credentials never travel this way: npm reads them from the npmrc files.
 */
export const UNTRUSTED_NPM_SETTINGS = [
  'cache',
  'userconfig',
  'globalconfig',
  'registry',
  'proxy',
  'https_proxy',
  'noproxy',
  'cafile',
  'strict_ssl',
  'nodedir',
  'python',
  'audit',
  'fund',
  'update_notifier',
  'prefer_offline',
  'offline',
] as const;

const NPM_SETTING = /^npm_config_(.+)$/i;

/**
 * The environment for a child process running untrusted code: the allow-listed part of
 * `from` (the portal's own environment by default), then `extra` on top (the caller's
 * deliberate settings, such as PORT or NODE_ENV for a service it starts).
 */
export function untrustedEnv(
  extra: Record<string, string | undefined> = {},
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const allowed = new Set<string>(UNTRUSTED_ENV_ALLOWED);
  const npmSettings = new Set<string>(UNTRUSTED_NPM_SETTINGS);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(from)) {
    if (value === undefined) continue;
    const npm = NPM_SETTING.exec(key);
    if (
      allowed.has(key) ||
      (npm && npmSettings.has(npm[1].toLowerCase().replace(/-/g, '_')))
    ) {
      env[key] = value;
    }
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}

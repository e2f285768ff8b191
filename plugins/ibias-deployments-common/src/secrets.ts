/**
 * The one rule that decides what in an environments file is a secret: `maskSecrets` (what
 * the API shows) and `plainSecrets` (the baseline's "secrets are references" rule) both
 * walk a config with it, so whatever is masked is also reported, and nothing else.
 */

export const SECRET_MASK = '••••••';

/**
 * Parts of a key that mark a secret, wherever they appear in it (case-insensitive):
 * `apiKeys`, `tokens`, `passwd`, `privateKeyPem`, `connectionString`, `DATABASE_URL`, …
 * `url`, `uri` and `connection` count because database URLs and connection strings
 * carry passwords.
 */
export const SECRET_KEY_PARTS = [
  'secret',
  'token',
  'key',
  'pass',
  'pwd',
  'credential',
  'auth',
  'bearer',
  'dsn',
  'cert',
  'private',
  'url',
  'connection',
] as const;

/**
 * `uri` counts only at the start or end of a word (`uri`, `redisUri`, `uriTemplate`,
 * `mongouris`): inside one it is the middle of `security` or `during`, and `security`
 * must not hide the whole security section.
 */
const URI_WORD = /(^uri|uris?$)/;

/**
 * Counts of tokens or connections (`maxTokens`, `maxConnections`, `connectionTimeout`)
 * hold no secret: a number under a key that starts with a quantity word, or ends with a
 * unit word, stays readable. Anything else under such a key (a string, an object) is
 * still masked.
 */
const QUANTITY_FIRST = new Set(['max', 'min', 'num', 'total']);
const QUANTITY_LAST = new Set([
  'timeout',
  'ttl',
  'ms',
  'seconds',
  'minutes',
  'count',
  'size',
  'limit',
  'length',
  'retries',
  'interval',
]);

/** `privateKeyPem` → private, key, pem; `DATABASE_URL` → database, url; `x509cert` → x, 509, cert. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([a-zA-Z])/g, '$1 $2')
    .toLocaleLowerCase('en-US')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether everything below this key is a secret. */
export function isSecretKey(key: string): boolean {
  const lower = key.toLocaleLowerCase('en-US');
  if (SECRET_KEY_PARTS.some(part => lower.includes(part))) return true;
  return words(key).some(w => URI_WORD.test(w));
}

/** A key whose numbers are counts or durations, not secrets (see QUANTITY_FIRST). */
function isQuantityKey(key: string): boolean {
  const w = words(key);
  return (
    w.length > 1 &&
    (QUANTITY_FIRST.has(w[0]) || QUANTITY_LAST.has(w[w.length - 1]))
  );
}

/** A value that is a secret reference (`secret:NAME`), never a secret itself. */
export function isSecretReference(value: unknown): boolean {
  return typeof value === 'string' && /^secret:[A-Za-z0-9_./-]+$/.test(value);
}

/**
 * Whether a scalar found at `path` must be hidden: a string or a number below a secret
 * key (at any depth, in objects and arrays alike), unless it is a secret reference or a
 * number counted by a quantity key. Booleans and null hold no secret and stay readable.
 */
function isPlainSecret(value: unknown, path: string[]): boolean {
  if (typeof value !== 'string' && typeof value !== 'number') return false;
  if (isSecretReference(value)) return false;
  const secretAt = path.findIndex(isSecretKey);
  if (secretAt < 0) return false;
  const last = path[path.length - 1];
  if (
    typeof value === 'number' &&
    secretAt === path.length - 1 &&
    isQuantityKey(last)
  ) {
    return false;
  }
  return true;
}

/** Calls `visit` for every scalar with its path (array indexes as strings). */
function walk(
  value: unknown,
  path: string[],
  visit: (value: unknown, path: string[]) => unknown,
): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => walk(v, [...path, String(i)], visit));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k], visit)]),
    );
  }
  return visit(value, path);
}

/** Drops array indexes: an element of `apiKeys` is under `apiKeys`. */
const keysOf = (path: string[]) => path.filter(p => !/^\d+$/.test(p));

/**
 * A copy safe to show: secret references stay (they name a secret, not its value); every
 * string and number below a secret-looking key is masked.
 */
export function maskSecrets<T>(value: T): T {
  return walk(value, [], (v, path) =>
    isPlainSecret(v, keysOf(path)) ? SECRET_MASK : v,
  ) as T;
}

/** Paths of the values `maskSecrets` hides (plain values where a reference belongs). */
export function plainSecrets(value: unknown): string[] {
  const found: string[] = [];
  walk(value, [], (v, path) => {
    if (isPlainSecret(v, keysOf(path))) found.push(path.join('.'));
    return v;
  });
  return found;
}

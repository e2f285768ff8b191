import {
  checkBaseline,
  isSecretKey,
  maskSecrets,
  plainSecrets,
  SECRET_MASK,
  type EnvironmentConfig,
} from './environments';

const M = SECRET_MASK;

// Each shape that leaked before (issue 8): masked by maskSecrets, reported by plainSecrets
// (so the baseline fails on it), and nothing of its value left in the masked copy.
describe.each([
  ['apiKeys (array)', { apiKeys: ['k1', 'k2'] }, { apiKeys: [M, M] }],
  [
    'tokens (object)',
    { tokens: { github: 'ghp_1', slack: 'xoxb-2' } },
    { tokens: { github: M, slack: M } },
  ],
  [
    'credentials (nested object)',
    { credentials: { aws: { id: 'AKIA1', secret: 's3' }, port: 5432 } },
    { credentials: { aws: { id: M, secret: M }, port: M } },
  ],
  ['passwd (number)', { passwd: 123456 }, { passwd: M }],
  [
    'privateKeyPem (multi-line)',
    {
      privateKeyPem:
        '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n',
    },
    { privateKeyPem: M },
  ],
  [
    'connectionString',
    { connectionString: 'Server=db;User Id=sa;Password=hunter2;' },
    { connectionString: M },
  ],
  [
    'a numeric password',
    { database: { password: 1234 } },
    { database: { password: M } },
  ],
  [
    'arrays of objects under a secret key',
    {
      apiKeys: [
        { name: 'ci', value: 'k-ci' },
        { name: 'web', value: 'k-web' },
      ],
    },
    {
      apiKeys: [
        { name: M, value: M },
        { name: M, value: M },
      ],
    },
  ],
  [
    'a secret key inside an array of objects',
    { users: [{ name: 'ada', password: 'pw-ada' }] },
    { users: [{ name: 'ada', password: M }] },
  ],
  [
    'DATABASE_URL',
    { DATABASE_URL: 'postgres://u:p@db/x' },
    { DATABASE_URL: M },
  ],
  [
    'a redis URI',
    { cache: { redisUri: 'redis://:pw@r' } },
    { cache: { redisUri: M } },
  ],
  [
    'a bearer header',
    { headers: { bearer: 'eyJ' } },
    { headers: { bearer: M } },
  ],
  [
    'an auth object',
    { oauth: { clientId: 'c', clientSecret: 's' } },
    { oauth: { clientId: M, clientSecret: M } },
  ],
  [
    'a certificate',
    { tls: { cert: 'PEM', pwd: 'x' } },
    { tls: { cert: M, pwd: M } },
  ],
  [
    'a sentry DSN',
    { sentry: { dsn: 'https://k@o.ingest/1' } },
    { sentry: { dsn: M } },
  ],
  ['letter case', { API_KEY: 'k', Secret: 's' }, { API_KEY: M, Secret: M }],
] as const)('%s', (_label, input, masked) => {
  it('is masked', () => {
    expect(maskSecrets(input)).toEqual(masked);
  });
  it('fails the baseline (plainSecrets reports it)', () => {
    expect(plainSecrets(input).length).toBeGreaterThan(0);
  });
  it('leaves none of its values in the masked copy', () => {
    const shown = JSON.stringify(maskSecrets(input));
    for (const leaf of plainSecrets(input)) {
      const value = leaf
        .split('.')
        .reduce<any>((o, k) => o[k], input as unknown);
      expect(shown).not.toContain(JSON.stringify(value));
    }
  });
});

describe.each([
  [
    'secret references',
    { database: { url: 'secret:DATABASE_URL' }, apiKeys: ['secret:K1'] },
  ],
  [
    'booleans and null under secret keys',
    {
      security: { cors: { credentials: true } },
      auth: { enabled: false, token: null },
    },
  ],
  [
    'the security section',
    { security: { cors: { origin: ['https://a'] }, rateLimit: { max: 500 } } },
  ],
  [
    'token and connection counts',
    {
      ai: { openai: { maxTokens: 4000 } },
      database: { maxConnections: 20, connectionTimeout: 5000 },
    },
  ],
  [
    'plain settings',
    { domain: 'svc.ibias.ai', poolSize: 5, features: { multiTenant: true } },
  ],
] as const)('%s stay readable', (_label, input) => {
  it('are not masked', () => {
    expect(maskSecrets(input)).toEqual(input);
  });
  it('pass the baseline', () => {
    expect(plainSecrets(input)).toEqual([]);
  });
});

describe('isSecretKey', () => {
  it.each([
    ['password', true],
    ['passwd', true],
    ['apikeys', true],
    ['clientSecret', true],
    ['privateKeyPem', true],
    ['connectionString', true],
    ['jdbcUrl', true],
    ['uri', true],
    ['mongoUris', true],
    ['security', false],
    ['during', false],
    ['domain', false],
    ['origin', false],
  ])('%s → %s', (key, secret) => {
    expect(isSecretKey(key)).toBe(secret);
  });

  it('a string under a count key is still masked', () => {
    expect(maskSecrets({ maxTokens: 'sk-live' })).toEqual({ maxTokens: M });
  });
});

describe('the baseline uses the same rule', () => {
  const base = {
    domain: 'x',
    database: { poolSize: 1, ssl: true, logging: false },
    ai: {
      openai: { model: 'm', maxTokens: 1, temperature: 0 },
      caching: { enabled: false },
    },
    monitoring: { sentry: { enabled: true }, logging: { level: 'warn' } },
    security: {
      cors: { origin: ['https://a'], credentials: true },
      rateLimit: { enabled: true },
      encryption: { algorithm: 'aes-256-gcm' },
    },
    features: {},
  };
  it.each([
    ['apiKeys', { apiKeys: ['k'] }, 'apiKeys.0'],
    ['tokens', { tokens: { a: 't' } }, 'tokens.a'],
    [
      'credentials',
      { credentials: { db: { user: 'u' } } },
      'credentials.db.user',
    ],
    ['passwd', { passwd: 1 }, 'passwd'],
    ['privateKeyPem', { privateKeyPem: 'a\nb' }, 'privateKeyPem'],
    ['connectionString', { connectionString: 'x' }, 'connectionString'],
    [
      'a numeric password',
      { database: { ...base.database, password: 1 } },
      'database.password',
    ],
  ])('fails on %s', (_l, extra, path) => {
    const r = checkBaseline('staging', {
      ...base,
      ...extra,
    } as unknown as EnvironmentConfig);
    expect(r.find(x => x.rule === 'secrets-are-references')).toEqual(
      expect.objectContaining({
        passed: false,
        detail: `plain values at ${path}`,
      }),
    );
  });
  it('passes the sound config', () => {
    const r = checkBaseline('production', base as unknown as EnvironmentConfig);
    expect(r.every(x => x.passed)).toBe(true);
  });
});

import {
  checkBaseline,
  diffConfigs,
  EnvironmentConfig,
  maskSecrets,
  parseEnvironments,
  SECRET_MASK,
} from './environments';

function env(overrides: Record<string, unknown> = {}): Record<string, any> {
  const base: Record<string, any> = {
    name: 'production',
    domain: 'svc.ibias.ai',
    database: {
      url: 'secret:DATABASE_URL_PROD',
      poolSize: 20,
      ssl: true,
      logging: false,
    },
    ai: {
      openai: { model: 'gpt-4o', maxTokens: 16000, temperature: 0.3 },
      replicate: { enabled: true },
      caching: { enabled: true, ttl: 7200 },
    },
    monitoring: {
      sentry: { enabled: true, environment: 'production' },
      logging: { level: 'warn' },
    },
    security: {
      cors: { origin: ['https://app.ibias.ai'], credentials: true },
      rateLimit: { enabled: true, windowMs: 900000, max: 500 },
      encryption: { algorithm: 'aes-256-gcm' },
    },
    features: { aiRecommendations: true, multiTenant: true },
  };
  for (const [path, value] of Object.entries(overrides)) {
    const keys = path.split('.');
    let o = base;
    for (const k of keys.slice(0, -1)) o = o[k];
    o[keys[keys.length - 1]] = value;
  }
  return base;
}

describe('parseEnvironments', () => {
  it('accepts the three environments', () => {
    const r = parseEnvironments({
      development: env(),
      staging: env(),
      production: env(),
    });
    expect(r.errors).toEqual([]);
    expect(Object.keys(r.environments)).toEqual([
      'development',
      'staging',
      'production',
    ]);
  });

  it.each([
    [
      'not a mapping',
      ['a'],
      [
        'The environments file must be a mapping of development, staging and production',
      ],
    ],
    [
      'null',
      null,
      [
        'The environments file must be a mapping of development, staging and production',
      ],
    ],
    [
      'a missing environment',
      { development: env(), production: env() },
      ['staging: missing'],
    ],
    [
      'a wrong type, named by its path',
      {
        development: env(),
        staging: env({ 'database.poolSize': 'ten' }),
        production: env(),
      },
      [expect.stringMatching(/^staging\.database\.poolSize: /)],
    ],
    [
      'an unknown log level',
      {
        development: env(),
        staging: env(),
        production: env({ 'monitoring.logging.level': 'loud' }),
      },
      [expect.stringMatching(/^production\.monitoring\.logging\.level: /)],
    ],
    [
      'an unknown environment',
      { development: env(), staging: env(), production: env(), qa: env() },
      ['qa: not an IBIAS environment (ignored)'],
    ],
  ])('%s', (_label, data, errors) => {
    expect(parseEnvironments(data).errors).toEqual(errors);
  });
});

describe('checkBaseline', () => {
  const failing = (
    name: 'development' | 'staging' | 'production',
    c: Record<string, any>,
  ) =>
    checkBaseline(name, c as EnvironmentConfig)
      .filter(r => !r.passed)
      .map(r => r.rule);

  it.each([
    ['a sound production config', 'production', {}, []],
    [
      'production without ssl',
      'production',
      { 'database.ssl': false },
      ['production-database-ssl'],
    ],
    [
      'production without rate limiting',
      'production',
      { 'security.rateLimit': { enabled: false } },
      ['production-rate-limit'],
    ],
    [
      'production logging info',
      'production',
      { 'monitoring.logging.level': 'info' },
      ['production-log-level'],
    ],
    [
      'production logging error is fine',
      'production',
      { 'monitoring.logging.level': 'error' },
      [],
    ],
    [
      'production without error tracking',
      'production',
      { 'monitoring.sentry': { enabled: false } },
      ['production-error-tracking'],
    ],
    [
      'production CORS with *',
      'production',
      { 'security.cors.origin': ['*'] },
      ['production-cors-no-wildcard'],
    ],
    [
      'aes-128 anywhere',
      'development',
      { 'security.encryption.algorithm': 'aes-128-cbc' },
      ['encryption-aes-256-gcm'],
    ],
    [
      'a plain database URL',
      'staging',
      { 'database.url': 'postgres://u:p@db/x' },
      ['secrets-are-references'],
    ],
    [
      'development may log debug without ssl',
      'development',
      {
        'database.ssl': false,
        'monitoring.logging.level': 'debug',
        'security.rateLimit': { enabled: false },
      },
      [],
    ],
  ] as const)('%s', (_label, name, overrides, rules) => {
    expect(failing(name, env(overrides))).toEqual(rules);
  });

  it('says what it saw when a rule fails', () => {
    const r = checkBaseline(
      'production',
      env({ 'monitoring.logging.level': 'debug' }) as EnvironmentConfig,
    );
    expect(r.find(x => x.rule === 'production-log-level')).toEqual({
      rule: 'production-log-level',
      description: 'Production logs no more verbosely than warn',
      passed: false,
      detail: 'monitoring.logging.level is debug',
    });
  });
});

describe('maskSecrets', () => {
  it('keeps references, masks values under secret-looking keys, leaves the rest', () => {
    expect(
      maskSecrets({
        database: { url: 'postgres://u:p@db/x', poolSize: 5 },
        sentry: { dsn: 'secret:SENTRY_DSN' },
        api: { apiKey: 'sk-live-123', tokens: ['t1'], retries: 3 },
        domain: 'svc.ibias.ai',
      }),
    ).toEqual({
      database: { url: SECRET_MASK, poolSize: 5 },
      sentry: { dsn: 'secret:SENTRY_DSN' },
      api: { apiKey: SECRET_MASK, tokens: [SECRET_MASK], retries: 3 },
      domain: 'svc.ibias.ai',
    });
  });
});

describe('diffConfigs', () => {
  it('lists leaf differences by path, arrays compared whole', () => {
    expect(
      diffConfigs(
        { a: 1, b: { c: true, d: [1, 2] }, only: 'left' },
        { a: 1, b: { c: false, d: [1, 2, 3] }, extra: 'right' },
      ),
    ).toEqual([
      { path: 'b.c', left: true, right: false },
      { path: 'b.d', left: [1, 2], right: [1, 2, 3] },
      { path: 'extra', left: undefined, right: 'right' },
      { path: 'only', left: 'left', right: undefined },
    ]);
  });
  it('finds nothing between equal configs', () => {
    expect(diffConfigs(env(), env())).toEqual([]);
  });
});

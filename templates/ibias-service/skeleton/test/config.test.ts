import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config';

describe('loadConfig', () => {
  const cases = [
    { env: 'production', enabled: true, max: 500, level: 'warn' },
    { env: 'staging', enabled: true, max: 1000, level: 'info' },
    { env: 'development', enabled: false, max: 10000, level: 'debug' },
    { env: 'something-else', enabled: false, max: 10000, level: 'debug' },
  ];
  for (const c of cases) {
    it(`NODE_ENV=${c.env} → rate limit ${c.enabled ? c.max : 'off'}, log ${
      c.level
    }`, () => {
      const config = loadConfig({ NODE_ENV: c.env });
      assert.equal(config.rateLimit.enabled, c.enabled);
      assert.equal(config.rateLimit.max, c.max);
      assert.equal(config.rateLimit.windowMs, 15 * 60 * 1000);
      assert.equal(config.logLevel, c.level);
    });
  }

  it('reads PORT, CORS_ORIGINS and rate limit overrides', () => {
    const config = loadConfig({
      PORT: '9090',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      RATE_LIMIT_MAX: '7',
    });
    assert.equal(config.port, 9090);
    assert.deepEqual(config.cors.origins, [
      'https://a.example',
      'https://b.example',
    ]);
    assert.equal(config.rateLimit.enabled, true);
    assert.equal(config.rateLimit.max, 7);
  });

  it('reads the metric label caps (METRICS_*), with defaults', () => {
    assert.deepEqual(loadConfig({}).metrics, {
      companyLimit: 50,
      aiModels: undefined,
      databaseTables: undefined,
    });
    assert.deepEqual(
      loadConfig({
        METRICS_COMPANY_LIMIT: '200',
        METRICS_AI_MODELS: 'gpt-4o, claude-sonnet-4,',
        METRICS_DB_TABLES: 'orders',
      }).metrics,
      {
        companyLimit: 200,
        aiModels: ['gpt-4o', 'claude-sonnet-4'],
        databaseTables: ['orders'],
      },
    );
    assert.equal(
      loadConfig({ METRICS_COMPANY_LIMIT: '0' }).metrics.companyLimit,
      50,
    );
  });

  it('ignores a PORT that is not a positive integer', () => {
    assert.equal(loadConfig({ PORT: 'abc' }).port, 8080);
    assert.equal(loadConfig({ PORT: '-1' }).port, 8080);
  });

  for (const [value, expected] of [
    [undefined, 0],
    ['0.2', 0.2],
    ['1', 1],
    ['7', 1],
    ['-0.5', 0],
    ['lots', 0],
  ] as const) {
    it(`FAULT_RATE=${value} → fault rate ${expected}`, () => {
      assert.equal(loadConfig({ FAULT_RATE: value }).faultRate, expected);
    });
  }
});

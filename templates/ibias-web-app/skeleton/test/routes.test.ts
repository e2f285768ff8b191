import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRouteLabeler } from '../server/routes';

describe('route labels stay bounded', () => {
  const label = createRouteLabeler([
    { page: '/', regex: '^/(?:/)?$' },
    { page: '/api/v1/feedback', regex: '^/api/v1/feedback(?:/)?$' },
    { page: '/teams/[id]', regex: '^/teams/([^/]+?)(?:/)?$' },
    { page: '/_not-found', regex: '^/_not\\-found(?:/)?$' },
  ]);
  const cases: Array<[string, string]> = [
    ['/', '/'],
    ['/health', '/health'],
    ['/ready', '/ready'],
    ['/metrics', '/metrics'],
    ['/api/v1/feedback', '/api/v1/feedback'],
    ['/api/v1/feedback/', '/api/v1/feedback'],
    ['/teams/42', '/teams/[id]'],
    ['/teams/another-team', '/teams/[id]'],
    ['/_next/static/chunks/main-abc123.js', '/_next/static'],
    ['/_next/image', '/_next/image'],
    ['/favicon.ico', '/favicon.ico'],
    ['/_not-found', 'unmatched'],
    ['/no/such/page', 'unmatched'],
    ['/api/v1/feedback/extra', 'unmatched'],
  ];
  for (const [path, expected] of cases) {
    it(`${path} → ${expected}`, () => assert.equal(label(path), expected));
  }
});

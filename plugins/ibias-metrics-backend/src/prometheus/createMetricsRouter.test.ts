import express from 'express';
import request from 'supertest';
import { createMetricsRouter } from './createMetricsRouter';
import { PortalMetrics } from './PortalMetrics';

const TOKEN = 's3cret-scrape-token';

function app(token?: string) {
  const metrics = new PortalMetrics({ defaultMetrics: false });
  metrics.setKpiValues({ mrr: 42 });
  const server = express();
  server.use(createMetricsRouter({ metrics, token }));
  return server;
}

describe('createMetricsRouter', () => {
  describe('with a token', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', 'Bearer nope'],
      [
        'a wrong token of the same length',
        `Bearer ${'x'.repeat(TOKEN.length)}`,
      ],
      ['the token with another scheme', `Basic ${TOKEN}`],
      ['the token without a scheme', TOKEN],
      ['a longer token that starts with it', `Bearer ${TOKEN}x`],
      ['an empty bearer', 'Bearer '],
    ])('refuses %s with 401 and a Bearer challenge', async (_case, header) => {
      const call = request(app(TOKEN)).get('/metrics');
      const res = await (header === undefined
        ? call
        : call.set('Authorization', header));

      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect(res.text).not.toContain(TOKEN);
      expect(res.text).not.toContain('ibias_kpi_value');
      expect(res.text.length).toBeLessThan(200);
    });

    it('serves the scrape for the right token', async () => {
      const res = await request(app(TOKEN))
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(
        /^text\/plain;.*\bversion=0\.0\.4\b/,
      );
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.text).toContain('ibias_kpi_value{kpi="mrr"} 42');
    });

    it('accepts the scheme in any case, as RFC 7235 says', async () => {
      const res = await request(app(TOKEN))
        .get('/metrics')
        .set('Authorization', `bearer ${TOKEN}`);
      expect(res.status).toBe(200);
    });
  });

  describe('without a token', () => {
    it('is open', async () => {
      const res = await request(app()).get('/metrics').expect(200);
      expect(res.text).toContain('ibias_kpi_value{kpi="mrr"} 42');
    });
  });

  it('refuses an empty token rather than opening /metrics to `Bearer `', () => {
    const metrics = new PortalMetrics({ defaultMetrics: false });
    expect(() => createMetricsRouter({ metrics, token: '' })).toThrow(/empty/);
  });

  it('serves only GET /metrics', async () => {
    expect((await request(app()).post('/metrics')).status).toBe(404);
    expect((await request(app()).get('/metrics/extra')).status).toBe(404);
  });
});

import { createHash, timingSafeEqual } from 'node:crypto';
import Router from 'express-promise-router';
import type { Request } from 'express';
import type { PortalMetrics } from './PortalMetrics';

export interface MetricsRouterOptions {
  metrics: PortalMetrics;
  /**
   * When set, a scrape must send `Authorization: Bearer <token>`. Without it
   * `/metrics` is open (for a network where only Prometheus reaches the backend).
   */
  token?: string;
}

// Digests have one length whatever the token's, so the comparison neither throws on
// a length mismatch nor tells the length through its timing.
const digest = (value: string) => createHash('sha256').update(value).digest();

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * A router that serves `GET /metrics` in Prometheus text format.
 *
 * It does its own bearer check rather than Backstage's auth: Prometheus sends a static
 * token, not a Backstage credential, so the plugin marks `/metrics` unauthenticated
 * in its auth policy and this router guards it.
 */
export function createMetricsRouter(options: MetricsRouterOptions) {
  const { metrics, token } = options;
  if (token !== undefined && token.length === 0) {
    // An empty token would look configured while letting anyone in with `Bearer `.
    throw new Error(
      'The metrics token is empty: set a token or leave it unset for an open /metrics',
    );
  }
  const expected = token === undefined ? undefined : digest(token);

  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (expected) {
      const sent = bearerToken(req);
      if (sent === undefined || !timingSafeEqual(digest(sent), expected)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer realm="ibias-metrics"')
          .type('text/plain')
          .send('Unauthorized: send Authorization: Bearer <metrics token>\n');
        return;
      }
    }
    const { contentType, body } = await metrics.render();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  });
  return router;
}

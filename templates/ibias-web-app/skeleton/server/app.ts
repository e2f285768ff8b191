// The HTTP layer in front of Next.js: security headers, CORS, rate limiting, metrics,
// probes and JSON request logs for every request; everything else goes to Next.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ServiceConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createRateLimiter } from './rateLimit';
import type { RouteLabeler } from './routes';

export function securityHeaders(
  environment: ServiceConfig['environment'],
): Record<string, string> {
  // Next.js inlines its bootstrap scripts; development also needs eval for fast refresh.
  const scriptSrc =
    environment === 'development'
      ? "'self' 'unsafe-inline' 'unsafe-eval'"
      : "'self' 'unsafe-inline'";
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Content-Security-Policy': [
      "default-src 'self'",
      `script-src ${scriptSrc}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; '),
  };
}

/** Probes, scrapes and static assets are never rate limited (as the seed's matcher). */
const UNLIMITED = new Set(['/health', '/ready', '/metrics', '/_next/static']);
const UNLIMITED_PREFIXES = ['/_next/static/', '/_next/image', '/favicon.ico'];

export type RequestHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => Promise<void> | void;

export interface App {
  server: http.Server;
  registry: Registry;
  logger: Logger;
  /** Marks the app not ready (used while shutting down). */
  setReady(ready: boolean): void;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

export function createApp(
  config: ServiceConfig,
  options: {
    /** The Next.js request handler (or any handler, in tests). */
    handle: RequestHandler;
    routeLabel: RouteLabeler;
    logger?: Logger;
    serviceName?: string;
  },
): App {
  const logger = options.logger ?? createLogger(config);
  const serviceName = options.serviceName ?? 'web-app';
  const startedAt = Date.now();
  const headers = securityHeaders(config.environment);
  let ready = true;

  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const limiter = createRateLimiter(config.rateLimit);

  async function reportError(error: Error, requestId: string) {
    if (!config.errorTrackingUrl) return;
    try {
      await fetch(config.errorTrackingUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          service: serviceName,
          environment: config.environment,
          version: config.version,
          requestId,
          message: error.message,
          stack: error.stack,
        }),
      });
    } catch (e) {
      logger.warn('error tracking unreachable', { error: String(e) });
    }
  }

  const server = http.createServer(async (req, res) => {
    const start = process.hrtime.bigint();
    const requestId = randomUUID();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = options.routeLabel(path);
    const method = (req.method ?? 'GET').toUpperCase();
    // Bounded label values: known methods only.
    const methodLabel = http.METHODS.includes(method) ? method : 'OTHER';

    res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(headers)) {
      res.setHeader(name, value);
    }
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      duration.observe(
        { method: methodLabel, route, status: String(res.statusCode) },
        seconds,
      );
      logger.info('request', {
        requestId,
        method: methodLabel,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
      });
    });

    try {
      const limited =
        !UNLIMITED.has(route) &&
        !UNLIMITED_PREFIXES.some(p => path.startsWith(p));
      if (config.rateLimit.enabled && limited) {
        const decision = limiter(req.socket.remoteAddress ?? 'unknown');
        res.setHeader('RateLimit-Limit', String(config.rateLimit.max));
        res.setHeader('RateLimit-Remaining', String(decision.remaining));
        if (!decision.allowed) {
          res.setHeader('Retry-After', String(decision.retryAfterSeconds));
          sendJson(res, 429, {
            error: 'Too many requests',
            retryAfterSeconds: decision.retryAfterSeconds,
          });
          return;
        }
      }
      if (path.startsWith('/api/')) {
        const origin = req.headers.origin;
        if (origin && config.cors.origins.includes(origin)) {
          res.setHeader('Access-Control-Allow-Origin', origin);
          res.setHeader('Vary', 'Origin');
          if (config.cors.credentials) {
            res.setHeader('Access-Control-Allow-Credentials', 'true');
          }
        }
        if (method === 'OPTIONS') {
          res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
          res.setHeader(
            'Access-Control-Allow-Headers',
            'Content-Type, Authorization',
          );
          res.statusCode = 204;
          res.end();
          return;
        }
      }
      if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
        sendJson(res, 200, {
          status: 'ok',
          service: serviceName,
          version: config.version,
          commit: config.commit,
          environment: config.environment,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        });
        return;
      }
      if (path === '/ready' && (method === 'GET' || method === 'HEAD')) {
        if (ready) sendJson(res, 200, { status: 'ready' });
        else sendJson(res, 503, { status: 'shutting down' });
        return;
      }
      if (path === '/metrics' && (method === 'GET' || method === 'HEAD')) {
        res.setHeader('Content-Type', registry.contentType);
        res.end(await registry.metrics());
        return;
      }
      await options.handle(req, res);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      logger.error('unhandled error', { requestId, error: error.message });
      void reportError(error, requestId);
      if (!res.headersSent) {
        sendJson(res, 500, { error: 'Internal server error', requestId });
      } else {
        res.destroy(error);
      }
    }
  });

  return { server, registry, logger, setReady: value => (ready = value) };
}

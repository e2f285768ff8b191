// The HTTP service: routes, security headers, CORS, rate limiting, metrics, logs.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import type { ServiceConfig } from './config';
import { createLogger, type Logger } from './logger';
import { createMetrics, type ServiceMetrics } from './metrics';
import { createRateLimiter } from './rateLimit';
import { AiError, createAiClient, type AiClient } from './ai';
import { AiUsageReporter } from './aiUsage';

export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Probes and scrapes are never rate limited. */
const UNLIMITED_ROUTES = new Set(['/health', '/ready', '/metrics']);
const MAX_BODY_BYTES = 100 * 1024;

const echoBody = z.strictObject({ message: z.string().min(1).max(1000) });
/** A business event another system reports (a signup, a paid invoice, …). */
const eventBody = z.strictObject({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_.]{0,63}$/, 'lower case, digits, "_" and "."'),
  companyId: z.string().min(1).max(128),
});
/** What the AI is asked for: the prompt is the service's, only these values are the caller's. */
const recommendationsBody = z.strictObject({
  companyId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." and "-"'),
  focus: z.enum(['growth', 'retention', 'costs']).default('growth'),
});
/** Said when the model does not answer (the seed's rule: error rate over 5 % → fall back). */
const FALLBACK_RECOMMENDATIONS =
  'Review the accounts whose usage fell most this month; confirm each has an owner and a next step.';

/**
 * What a route answers when all goes well, when not 200. That series (and, on the API,
 * those of its 500 and 503) start at 0, so rate() counts a route's first requests too.
 */
const SUCCESS_STATUS: Record<string, string> = { '/api/v1/events': '202' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

interface Context {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  requestId: string;
}
type Handler = (ctx: Context) => Promise<void> | void;

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new HttpError(415, 'Content-Type must be application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when too large, so the client gets the 413 instead of a reset.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) {
    throw new HttpError(413, `Body larger than ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'Body is not valid JSON');
  }
}

export interface App {
  server: http.Server;
  registry: Registry;
  /** What the service's data and AI layers record through (see src/metrics.ts). */
  metrics: ServiceMetrics;
  logger: Logger;
  /** The AI model the service calls (simulated unless AI_BASE_URL is set). */
  ai: AiClient;
  /** Reports AI usage to the portal; close() sends what is left (on shutdown). */
  aiUsage: AiUsageReporter;
  /** Marks the service not ready (used while shutting down). */
  setReady(ready: boolean): void;
}

export function createApp(
  config: ServiceConfig,
  options: { logger?: Logger; serviceName?: string } = {},
): App {
  const logger = options.logger ?? createLogger(config);
  const serviceName = options.serviceName ?? 'service';
  const startedAt = Date.now();
  let ready = true;

  const metrics = createMetrics({ serviceName, ...config.metrics });
  const { registry } = metrics;

  const limiter = createRateLimiter(config.rateLimit);

  const aiUsage = new AiUsageReporter({
    portalUrl: config.ai.usage.portalUrl,
    usageKey: config.ai.usage.key,
    entityRef: config.ai.usage.entityRef,
    warn: message => logger.warn(message),
  });
  const ai = createAiClient(config.ai, { metrics, reporter: aiUsage });

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/health': {
      GET: ({ res }) =>
        sendJson(res, 200, {
          status: 'ok',
          service: serviceName,
          version: config.version,
          commit: config.commit,
          environment: config.environment,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        }),
    },
    '/ready': {
      GET: ({ res }) =>
        ready
          ? sendJson(res, 200, { status: 'ready' })
          : sendJson(res, 503, { status: 'shutting down' }),
    },
    '/metrics': {
      GET: async ({ res }) => {
        res.setHeader('Content-Type', registry.contentType);
        res.end(await registry.metrics());
      },
    },
    '/api/v1/echo': {
      POST: async ({ req, res }) => {
        const parsed = echoBody.safeParse(await readJson(req));
        if (!parsed.success) {
          throw new HttpError(400, 'Invalid request body', parsed.error.issues);
        }
        sendJson(res, 200, {
          message: parsed.data.message,
          receivedAt: new Date().toISOString(),
        });
      },
    },
    // Counts business_events_total{event_type,company_id}; code in this service that
    // has events of its own calls metrics.countBusinessEvent directly.
    '/api/v1/events': {
      POST: async ({ req, res }) => {
        const parsed = eventBody.safeParse(await readJson(req));
        if (!parsed.success) {
          throw new HttpError(400, 'Invalid request body', parsed.error.issues);
        }
        metrics.countBusinessEvent(parsed.data.type, parsed.data.companyId);
        sendJson(res, 202, { accepted: true });
      },
    },
    // Asks the AI model for three recommendations; when it does not answer, a fixed
    // fallback (labelled) rather than an error.
    '/api/v1/recommendations': {
      POST: async ({ req, res, requestId }) => {
        const parsed = recommendationsBody.safeParse(await readJson(req));
        if (!parsed.success) {
          throw new HttpError(400, 'Invalid request body', parsed.error.issues);
        }
        const { companyId, focus } = parsed.data;
        const base = {
          companyId,
          focus,
          model: ai.model,
          simulated: ai.simulated,
        };
        try {
          const answer = await ai.chat({
            messages: [
              {
                role: 'system',
                content:
                  'You are the IBIAS business advisor. Answer with three short, concrete recommendations for a B2B SaaS company, one sentence each.',
              },
              {
                role: 'user',
                content: `Company ${companyId}: three recommendations to improve ${focus}.`,
              },
            ],
            maxTokens: 300,
          });
          sendJson(res, 200, {
            ...base,
            recommendations: answer.choices[0].message.content,
            fallback: false,
          });
        } catch (e) {
          // The provider refused or failed (AiError), timed out or was unreachable.
          logger.warn('AI call failed; answered with the fallback', {
            requestId,
            error: e instanceof AiError ? e.message : String(e),
          });
          sendJson(res, 200, {
            ...base,
            recommendations: FALLBACK_RECOMMENDATIONS,
            fallback: true,
          });
        }
      },
    },
  };

  for (const [route, methods] of Object.entries(routes)) {
    const statuses = UNLIMITED_ROUTES.has(route)
      ? ['200']
      : [SUCCESS_STATUS[route] ?? '200', '500', '503'];
    for (const method of Object.keys(methods)) {
      for (const status of statuses) {
        metrics.zeroHttpRequests({ method, route, status });
      }
    }
  }

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

  function applyCors(req: http.IncomingMessage, res: http.ServerResponse) {
    const origin = req.headers.origin;
    if (origin && config.cors.origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      if (config.cors.credentials) {
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }
    }
  }

  const server = http.createServer(async (req, res) => {
    const start = process.hrtime.bigint();
    const requestId = randomUUID();
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const methods = routes[path];
    // Bounded label values: a known route, or one label for everything else.
    const route = methods ? path : 'unmatched';
    const method = req.method ?? 'GET';

    res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      res.setHeader(name, value);
    }
    applyCors(req, res);

    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      metrics.observeHttpRequest(
        { method, route, status: String(res.statusCode) },
        seconds,
      );
      logger.info('request', {
        requestId,
        method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
      });
    });

    try {
      if (config.rateLimit.enabled && !UNLIMITED_ROUTES.has(path)) {
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
      if (
        config.faultRate > 0 &&
        !UNLIMITED_ROUTES.has(path) &&
        Math.random() < config.faultRate
      ) {
        sendJson(res, 503, { error: 'Injected fault (FAULT_RATE)', requestId });
        return;
      }
      if (method === 'OPTIONS' && methods) {
        res.setHeader(
          'Access-Control-Allow-Methods',
          Object.keys(methods).join(', '),
        );
        res.setHeader(
          'Access-Control-Allow-Headers',
          'Content-Type, Authorization',
        );
        res.statusCode = 204;
        res.end();
        return;
      }
      if (!methods) throw new HttpError(404, `No route for ${path}`);
      // HEAD is GET without a body (Node drops the body itself).
      const handler =
        methods[method] ?? (method === 'HEAD' ? methods.GET : undefined);
      if (!handler) {
        res.setHeader('Allow', Object.keys(methods).join(', '));
        throw new HttpError(405, `${method} is not allowed on ${path}`);
      }
      await handler({ req, res, requestId });
    } catch (e) {
      if (e instanceof HttpError) {
        sendJson(res, e.status, {
          error: e.message,
          details: e.details,
          requestId,
        });
        return;
      }
      const error = e instanceof Error ? e : new Error(String(e));
      logger.error('unhandled error', { requestId, error: error.message });
      void reportError(error, requestId);
      sendJson(res, 500, { error: 'Internal server error', requestId });
    }
  });

  return {
    server,
    registry,
    metrics,
    logger,
    ai,
    aiUsage,
    setReady: value => (ready = value),
  };
}

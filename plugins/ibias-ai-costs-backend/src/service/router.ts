import { once } from 'node:events';
import express from 'express';
import Router from 'express-promise-router';
import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, InputError } from '@backstage/errors';
import {
  AI_USAGE_KEY_HEADER,
  type AiUsageKeys,
} from '@internal/plugin-ibias-ai-costs-node';
import { spec, type EndpointMap } from '../schema/openapi.generated';
import { explainRequestError, validation } from '../schema/validateInput';
import {
  checkUsageEvents,
  MAX_EVENTS_PER_BATCH,
  usageEventsFromOtlp,
  withDefaults,
} from '@internal/plugin-ibias-ai-costs-common';
import type { BudgetService } from './BudgetService';
import type { AiAlertService } from '../alerts/AiAlertService';
import type { DeployCostService } from '../alerts/DeployCostService';
import type { CostRequest, CostService } from './CostService';
import type { CsvExport, ExportService } from './ExportService';
import type { RepriceService } from './RepriceService';
import {
  RetryLaterError,
  TooManyRequestsError,
  type IngestService,
} from './IngestService';

/** A batch of 1,000 events is about 400 kB; more is refused before it is parsed. */
const BODY_LIMIT = '2mb';
const parseJson = express.json({ limit: BODY_LIMIT });

/** JSON bodies; body-parser quotes a malformed body back, so say only that it is not JSON. */
const jsonBody: express.RequestHandler = (req, res, next) => {
  if (req.is('application/x-protobuf')) {
    res.status(415).json({
      error: {
        name: 'UnsupportedMediaTypeError',
        message:
          'OTLP is taken as JSON here: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json',
      },
    });
    return;
  }
  parseJson(req, res, (error?: unknown) => {
    const type = (error as { type?: string } | undefined)?.type;
    if (type === 'entity.parse.failed') {
      next(new InputError('request/body is not valid JSON'));
    } else if (type === 'entity.too.large') {
      res.status(413).json({
        error: {
          name: 'PayloadTooLargeError',
          message: `request/body is larger than ${BODY_LIMIT}: send at most 1,000 events a batch`,
        },
      });
    } else {
      next(error);
    }
  });
};

/** GET /costs's query (and its CSV's) as CostService takes it. */
function costRequestOf(q: {
  from: string;
  to: string;
  groupBy?: CostRequest['groupBy'];
  granularity?: CostRequest['granularity'];
  entityRef?: string;
  team?: string;
}): CostRequest {
  return {
    from: new Date(q.from),
    to: new Date(q.to),
    groupBy: q.groupBy ?? 'team',
    granularity: q.granularity ?? 'day',
    entityRef: q.entityRef,
    team: q.team,
  };
}

/**
 * Writes a CSV export as it is read (a slow reader holds the writer back); an error
 * after the first piece can only cut the answer short, which the client sees.
 */
async function sendCsv(res: express.Response, csv: CsvExport) {
  res.status(200);
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader(
    'content-disposition',
    `attachment; filename="${csv.filename}"`,
  );
  res.setHeader('x-ibias-hidden-teams', String(csv.hidden));
  res.setHeader('cache-control', 'no-store');
  // A client that goes away stops the reading (no page is read for nobody).
  const closed = once(res, 'close').then(
    () => 'closed' as const,
    () => 'closed' as const,
  );
  for await (const chunk of csv.chunks) {
    if (!res.write(chunk)) {
      if ((await Promise.race([once(res, 'drain'), closed])) === 'closed') {
        return;
      }
    }
  }
  res.end();
}

/** A request larger than one batch (413): nothing of it was recorded. */
class PayloadTooLargeError extends Error {
  readonly name = 'PayloadTooLargeError';
}

/** A principal as the events record who reported them. */
function principalOf(credentials: {
  principal: { type?: string; userEntityRef?: string; subject?: string };
}): string {
  const p = credentials.principal;
  if (p.userEntityRef) return p.userEntityRef;
  return `${p.type ?? 'service'}:${p.subject ?? 'unknown'}`;
}

/**
 * The HTTP API of src/schema/openapi.yaml, validated against it before a handler runs.
 * Handlers take the caller's credentials and delegate; the services authorize.
 */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  /** Checks the keys services report their own usage with. */
  usageKeys: AiUsageKeys;
  ingest: IngestService;
  costs: CostService;
  budgets: BudgetService;
  alerts: AiAlertService;
  deployCosts: DeployCostService;
  exports: ExportService;
  reprice: RepriceService;
  health: () => Promise<{
    status: 'up' | 'degraded' | 'down';
    checks: Record<
      string,
      { status: 'up' | 'degraded' | 'down'; detail?: string }
    >;
  }>;
}): express.Router {
  const { httpAuth } = options;
  const outer = Router();
  /** A person's ownership claims (they report only for what their groups own); none for a service. */
  const claimsOf = async (
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ) =>
    credentials.principal.type === 'user'
      ? (
          await options.userInfo.getUserInfo(
            credentials as BackstageCredentials<BackstageUserPrincipal>,
          )
        ).ownershipEntityRefs
      : undefined;
  const router =
    createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(spec, {
      middleware: [jsonBody],
    });

  /**
   * Who reports: a service with its usage key (for its own entity only), a person (for
   * what their groups own) or a service with an external-access token (for any).
   */
  const reporterOf = async (
    req: express.Request,
  ): Promise<{ id: string; claims?: string[]; onlyEntity?: string }> => {
    const key = req.header(AI_USAGE_KEY_HEADER);
    if (key !== undefined) {
      const entity = options.usageKeys.verify(key);
      if (!entity) {
        throw new AuthenticationError(
          `The ${AI_USAGE_KEY_HEADER} header does not hold a valid usage key`,
        );
      }
      return { id: `usage-key:${entity}`, onlyEntity: entity };
    }
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    return {
      id: principalOf(credentials),
      claims: await claimsOf(credentials),
    };
  };

  // Services (usage keys, external access tokens) and users report usage.
  router.post('/events', async (req, res) => {
    const reporter = await reporterOf(req);
    res.json(
      await options.ingest.ingest(
        req.body.events,
        reporter.id,
        reporter.claims,
        reporter.onlyEntity,
      ),
    );
  });

  router.post('/otlp/v1/traces', async (req, res) => {
    const reporter = await reporterOf(req);
    const mapped = usageEventsFromOtlp(req.body);
    const reasons = mapped.rejected.map(r => r.reason);
    // Each event as POST /events would take it; what would not be taken is reported,
    // the rest recorded (a partial success, as OTLP has it).
    const valid = mapped.events.filter(e => {
      const problem = validation.problemsWith('UsageEvent', e, 'span');
      if (problem) reasons.push(problem);
      return !problem;
    });
    const now = new Date();
    const fine = valid.map(withDefaults);
    const problems = checkUsageEvents(fine, now);
    const bad = new Set(problems.map(p => p.index));
    for (const p of problems) reasons.push(`span ${p.field} ${p.message}`);
    const taken = valid.filter((_e, i) => !bad.has(i));
    // One export is one batch, taken whole or not at all (as POST /events): more than a
    // batch would be recorded in parts, and a refusal of a later part leave the first.
    if (taken.length > MAX_EVENTS_PER_BATCH) {
      throw new PayloadTooLargeError(
        `At most ${MAX_EVENTS_PER_BATCH} GenAI spans an export, not ${taken.length}: lower the exporter's batch size (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512 by default); nothing was recorded`,
      );
    }
    if (taken.length > 0) {
      await options.ingest.ingest(
        taken,
        reporter.id,
        reporter.claims,
        reporter.onlyEntity,
      );
    }
    res.json(
      reasons.length > 0
        ? {
            partialSuccess: {
              rejectedSpans: reasons.length,
              errorMessage: [...new Set(reasons)].slice(0, 5).join('; '),
            },
          }
        : {},
    );
  });

  router.get('/costs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(await options.costs.costs(costRequestOf(req.query), credentials));
  });

  router.get('/costs/export.csv', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await sendCsv(
      res,
      await options.exports.costsCsv(costRequestOf(req.query), credentials),
    );
  });

  router.get('/export/focus.csv', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    await sendCsv(
      res,
      await options.exports.focusCsv(
        { from: new Date(req.query.from), to: new Date(req.query.to) },
        credentials,
      ),
    );
  });

  router.post('/reprice', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await options.reprice.reprice(
        {
          from: new Date(req.body.from),
          to: new Date(req.body.to),
          model: req.body.model,
        },
        credentials,
        req,
      ),
    );
  });

  router.get('/budgets', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json({
      items: await options.budgets.list(credentials, {
        entityRef: req.query.entityRef,
        team: req.query.team,
      }),
    });
  });

  router.get('/alerts', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const q = req.query;
    res.json({
      items: await options.alerts.list(credentials, {
        view: q.state ?? 'active',
        entityRef: q.entityRef,
        team: q.team,
        limit: q.limit ?? 100,
      }),
    });
  });

  router.post('/alerts/:id/acknowledge', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await options.alerts.act(
        req.params.id,
        'acknowledge',
        {},
        credentials,
        req,
      ),
    );
  });

  router.post('/alerts/:id/snooze', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(
      await options.alerts.act(
        req.params.id,
        'snooze',
        req.body,
        credentials,
        req,
      ),
    );
  });

  router.get('/deploy-costs', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    res.json(
      await options.deployCosts.forEntity(req.query.entityRef, credentials),
    );
  });

  // No token (the plugin allows /health unauthenticated): states and fixed phrases only.
  router.get('/health', async (_req, res) => {
    const answer = await options.health();
    res.status(answer.status === 'down' ? 503 : 200).json(answer);
  });

  router.use(
    (
      error: unknown,
      req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error instanceof PayloadTooLargeError) {
        res.status(413).json({
          error: { name: error.name, message: error.message },
        });
        return;
      }
      if (error instanceof TooManyRequestsError) {
        res.set('Retry-After', String(error.retryAfterSeconds));
        res.status(429).json({
          error: { name: error.name, message: error.message },
        });
        return;
      }
      if (error instanceof RetryLaterError) {
        res.set('Retry-After', String(error.retryAfterSeconds));
      }
      next(explainRequestError(error, req));
    },
  );

  outer.use(router);
  return outer;
}

import express from 'express';
import Router from 'express-promise-router';
import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import type {
  HttpAuthService,
  PermissionsService,
  AuditorService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { metricsImportPermission } from '@internal/plugin-ibias-metrics-common';
import { spec, type EndpointMap } from '../schema/openapi.generated';
import { explainRequestError } from '../schema/validateInput';
import type { AlertService } from '../alerts/AlertService';
import { publicAlert, type DashboardService } from '../kpi/DashboardService';
import type { KpiService } from '../kpi/KpiService';
import type { ImportBatch, RecordStore } from '../database/RecordStore';
import { parseCsvImport } from '../sources/csvImport';
import type { RealRecords } from '../sources/RealRecords';
import type { StripeWebhook } from '../sources/StripeWebhook';
import {
  PROMETHEUS_SETUP_HELP,
  type GoldenSignals,
} from '../signals/GoldenSignals';
import { DEFAULT_GOLDEN_SIGNAL_RANGE } from '../signals/signalQueries';
import type { RouterSignals } from '../signals/RouterSignals';

const DEFAULT_COUNT = spec.components.parameters.Count.schema.default;
const DEFAULT_KIND = spec.components.parameters.PeriodKind.schema.default;

const parseJson = express.json({ limit: '8mb' });

/** JSON bodies; body-parser quotes a malformed body back, so say only that it is not JSON. */
const jsonBody: express.RequestHandler = (req, res, next) =>
  parseJson(req, res, (error?: unknown) =>
    next(
      (error as { type?: string } | undefined)?.type === 'entity.parse.failed'
        ? new InputError('request/body is not valid JSON')
        : error,
    ),
  );

/**
 * The HTTP API of src/schema/openapi.yaml, validated against it before a handler runs.
 * Handlers take the caller's credentials and delegate; the services authorize.
 */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  kpis: KpiService;
  dashboard: DashboardService;
  alerts: AlertService;
  ruleName: (ruleId: string) => string;
  store: RecordStore;
  realRecords: RealRecords;
  stripe: StripeWebhook;
  /** Unset when no Prometheus is configured: the endpoint then says what to set up. */
  goldenSignals?: GoldenSignals;
  /** The fallback of the golden signals when no Prometheus is configured. */
  routerSignals?: RouterSignals;
  health: () => Promise<{
    status: 'up' | 'degraded' | 'down';
    checks: Record<
      string,
      { status: 'up' | 'degraded' | 'down'; detail?: string }
    >;
  }>;
}): express.Router {
  const { httpAuth, kpis, alerts } = options;
  const outer = Router();

  // Stripe signs the raw bytes: this route reads them before any JSON parser does.
  outer.post(
    '/webhooks/stripe',
    express.raw({ type: () => true, limit: '512kb' }),
    async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(
        await options.stripe.receive(body, req.header('stripe-signature')),
      );
    },
  );

  const router =
    createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(spec, {
      middleware: [
        jsonBody,
        // POST /imports/csv: its body arrives as a string for the validator and the route.
        express.text({ type: 'text/csv', limit: '8mb' }),
      ],
    });
  const credentials = (req: Parameters<HttpAuthService['credentials']>[0]) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  router.get('/dashboard', async (req, res) => {
    res.json(
      await options.dashboard.dashboard(
        await credentials(req),
        req.query.period ?? DEFAULT_KIND,
        req.query.count ?? DEFAULT_COUNT,
      ),
    );
  });

  router.get('/kpis', async (req, res) => {
    const creds = await credentials(req);
    const definitions = await kpis.visibleDefinitions(creds);
    const kind = req.query.period ?? DEFAULT_KIND;
    // KPIs not reported by this period kind (MRR by day) are left out of the list.
    const reportable = definitions.filter(d =>
      kind === 'month' || kind === 'quarter'
        ? true
        : !(
            d.source.type === 'records' &&
            !['nps', 'uptime'].includes(d.source.formula)
          ) && !(d.source.type === 'derived'),
    );
    const items = await kpis.series(
      reportable,
      kind,
      req.query.count ?? DEFAULT_COUNT,
    );
    res.json({
      items,
      sample: await options.realRecords.isSample(),
      business: definitions.some(d => d.financial),
    });
  });

  router.get('/kpis/:id', async (req, res) => {
    const definition = await kpis.definition(
      req.params.id,
      await credentials(req),
    );
    const [series] = await kpis.series(
      [definition],
      req.query.period ?? DEFAULT_KIND,
      req.query.count ?? DEFAULT_COUNT,
    );
    res.json(series);
  });

  router.get('/kpis/:id/records', async (req, res) => {
    const definition = await kpis.definition(
      req.params.id,
      await credentials(req),
    );
    res.json(
      await kpis.records(
        definition,
        req.query.period ?? DEFAULT_KIND,
        req.query.start,
      ),
    );
  });

  /**
   * An import, JSON or CSV: audited, allowed by ibias.metrics.import, then written. The
   * batch is read only once the caller may import (a CSV is parsed then).
   */
  const importRecords = async (
    req: express.Request,
    meta: Record<string, string | number>,
    readBatch: () => ImportBatch,
  ) => {
    const creds = await credentials(req);
    const event = await options.auditor.createEvent({
      eventId: 'records-import',
      severityLevel: 'medium',
      request: req,
      meta,
    });
    try {
      const [decision] = await options.permissions.authorize(
        [{ permission: metricsImportPermission }],
        { credentials: creds },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'Importing business records needs the ibias.metrics.import permission',
        );
      }
      const batch = readBatch();
      const now = new Date();
      await options.realRecords.arrived(now);
      const result = await options.store.import(batch, 'import', now);
      await event.success({
        meta: { ...result.inserted, skipped: result.skipped },
      });
      return {
        inserted: result.inserted,
        skipped: result.skipped,
        customers: result.customers,
      };
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };

  router.post('/imports', async (req, res) => {
    res.json(
      await importRecords(
        req,
        {
          billing: req.body.billing?.length ?? 0,
          spend: req.body.spend?.length ?? 0,
          surveys: req.body.surveys?.length ?? 0,
          probes: req.body.probes?.length ?? 0,
        },
        () => req.body,
      ),
    );
  });

  router.post('/imports/csv', async (req, res) => {
    const kind = req.query.kind;
    // The spec's text/csv body is not in the generated types: it is checked here.
    const body: unknown = req.body;
    const text = typeof body === 'string' ? body : '';
    res.json(
      await importRecords(req, { format: 'csv', kind }, () =>
        parseCsvImport(kind, text),
      ),
    );
  });

  router.get('/alerts', async (req, res) => {
    const creds = await credentials(req);
    const limit = req.query.limit ?? 50;
    const visible = new Set(
      (await kpis.visibleDefinitions(creds)).map(d => `kpi:${d.id}`),
    );
    const found = req.query.mine
      ? await alerts.mine(creds, limit)
      : await alerts.list({
          status: req.query.status,
          subject: req.query.subject,
          limit,
        });
    res.json({
      items: found
        .filter(a => !a.subject.startsWith('kpi:') || visible.has(a.subject))
        .map(a => publicAlert(a, options.ruleName(a.ruleId))),
    });
  });

  router.get('/alerts/:id', async (req, res) => {
    const creds = await credentials(req);
    const { alert, history } = await alerts.get(req.params.id);
    if (alert.subject.startsWith('kpi:')) {
      await kpis.definition(alert.subject.slice(4), creds);
    }
    res.json({
      alert: publicAlert(alert, options.ruleName(alert.ruleId)),
      history: history.map(h => ({
        at: new Date(h.at).toISOString(),
        from: h.from,
        to: h.to,
        actor: h.actor,
        detail: h.detail,
      })),
    });
  });

  router.post('/alerts/:id/:action', async (req, res) => {
    const creds = await credentials(req);
    // A financial KPI's alert is read, and so changed, only by those who may read it.
    const { alert: current } = await alerts.get(req.params.id);
    if (current.subject.startsWith('kpi:')) {
      await kpis.definition(current.subject.slice(4), creds);
    }
    const alert = await alerts.act(
      req.params.id,
      req.params.action,
      req.body ?? {},
      creds,
    );
    res.json(publicAlert(alert, options.ruleName(alert.ruleId)));
  });

  // Technical signals, not business figures: any signed-in user may read them.
  router.get('/golden-signals', async (req, res) => {
    const creds = await credentials(req);
    if (!options.goldenSignals) {
      // Without Prometheus: the local deploy target's router records, when it has some.
      const fallback = await options.routerSignals?.read({
        entityRef: req.query.entityRef,
        environment: req.query.environment,
        range: req.query.range ?? DEFAULT_GOLDEN_SIGNAL_RANGE,
        credentials: creds,
      });
      res.json({
        configured: false,
        help: PROMETHEUS_SETUP_HELP,
        ...(fallback ? { fallback } : {}),
      });
      return;
    }
    res.json(
      await options.goldenSignals.read({
        entityRef: req.query.entityRef,
        environment: req.query.environment,
        range: req.query.range ?? DEFAULT_GOLDEN_SIGNAL_RANGE,
        credentials: creds,
      }),
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
      _res: express.Response,
      next: express.NextFunction,
    ) => next(explainRequestError(error, req)),
  );

  outer.use(router);
  return outer;
}

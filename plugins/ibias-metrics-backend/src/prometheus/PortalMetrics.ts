import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import { CappedLabel } from './CappedLabel';
import {
  isConnectionError,
  NO_TABLE,
  sqlOperation,
  sqlTable,
} from './sqlLabels';

/** The `route` label of a request that matched no route. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The methods an API answers; the other ones Node accepts (PROPFIND, …) are `other`. */
const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
];

const DEFAULT_METRICS_PREFIX = 'ibias_portal_';
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Queries whose end never came (a dropped event) must not pile up: the oldest go. */
const MAX_QUERIES_IN_FLIGHT = 10_000;

export interface PortalMetricsOptions {
  /**
   * The tables whose name the `table` label keeps; any other is `other`. Without it,
   * the first `tableLimit` tables queried keep their name.
   */
  tables?: Iterable<string>;
  /** How many tables keep their name when `tables` is not given. Default 50. */
  tableLimit?: number;
  /** How many `company_id` values keep their name (the first seen). Default 50. */
  companyLimit?: number;
  /** Also export Node.js process metrics, prefixed `ibias_portal_`. Default true. */
  defaultMetrics?: boolean;
}

/** One row of alert counts: how many alerts of a rule are in a severity and status. */
export interface AlertCount {
  rule: string;
  severity: string;
  status: string;
  count: number;
}

/** The template of the route that answered, e.g. `/api/ibias-metrics/alerts/:id`. */
/** Label sets whose histogram child the HTTP middleware keeps at hand. */
const MAX_CACHED_CHILDREN = 4096;

function routeTemplate(req: Request): string {
  // `req.route` is typed `any` by express; only a route's `path` is read.
  const path: unknown = req.route?.path;
  if (path === undefined) return UNMATCHED_ROUTE;
  const template = typeof path === 'string' ? path : String(path);
  // A router's `/` route answers at the router's mount point itself.
  return template === '/' && req.baseUrl ? req.baseUrl : req.baseUrl + template;
}

function queryUid(query: unknown): string | undefined {
  return typeof query === 'object' &&
    query !== null &&
    '__knexQueryUid' in query &&
    typeof query.__knexQueryUid === 'string'
    ? query.__knexQueryUid
    : undefined;
}

function querySql(query: unknown): string {
  return typeof query === 'object' &&
    query !== null &&
    'sql' in query &&
    typeof query.sql === 'string'
    ? query.sql
    : '';
}

/**
 * The portal's own metrics for Prometheus: its HTTP API, its database, its KPIs,
 * alerts and business events.
 *
 * The metrics live in a registry of their own, not prom-client's global `register`
 * that other Backstage plugins write to, so `/metrics` serves exactly these and two
 * instances (tests, a second plugin) never clash over a metric name.
 */
export class PortalMetrics {
  readonly #registry = new Registry();
  readonly #methods = CappedLabel.allowList(HTTP_METHODS);
  readonly #tables: CappedLabel;
  readonly #companies: CappedLabel;

  readonly #httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request of the portal API, by route template.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.#registry],
  });

  readonly #queryDuration = new Histogram({
    name: 'database_query_duration_seconds',
    help: 'Time of a database query of the portal, by first SQL keyword and table.',
    labelNames: ['operation', 'table'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.#registry],
  });

  readonly #connectionErrors = new Counter({
    name: 'database_connection_errors_total',
    help: 'Database connections that failed to open or broke during a query.',
    registers: [this.#registry],
  });

  readonly #kpiValue = new Gauge({
    name: 'ibias_kpi_value',
    help: 'The latest value of a KPI; absent while the KPI has no value.',
    labelNames: ['kpi'] as const,
    registers: [this.#registry],
  });

  readonly #alerts = new Gauge({
    name: 'ibias_alerts',
    help: 'Alerts by rule, severity and status.',
    labelNames: ['rule', 'severity', 'status'] as const,
    registers: [this.#registry],
  });

  readonly #businessEvents = new Counter({
    name: 'business_events_total',
    help: 'Business events by type and company; companies past the cap count as "other".',
    labelNames: ['event_type', 'company_id'] as const,
    registers: [this.#registry],
  });

  constructor(options: PortalMetricsOptions = {}) {
    this.#tables = options.tables
      ? CappedLabel.allowList(options.tables)
      : CappedLabel.firstSeen(options.tableLimit ?? 50);
    this.#companies = CappedLabel.firstSeen(options.companyLimit ?? 50);
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({
        register: this.#registry,
        prefix: DEFAULT_METRICS_PREFIX,
      });
      // prom-client names these gauges `*_total`, which promtool (rightly) rejects as
      // a counter's suffix; `nodejs_active_handles{type}` and friends carry the same.
      for (const misnamed of MISNAMED_DEFAULT_GAUGES) {
        this.#registry.removeSingleMetric(DEFAULT_METRICS_PREFIX + misnamed);
      }
    }
  }

  /**
   * Express middleware that times every request it sees, labelled with the route
   * template (never the raw URL: one series per route, not per id) once the
   * response is sent. Mount it before the routes.
   */
  httpMiddleware(): RequestHandler {
    // The histogram's child per label set, found by a plain string key: prom-client
    // hashes sorted labels on every observe, which a trivial route feels.
    const children = new Map<string, { observe(value: number): void }>();
    const childOf = (method: string, route: string, status: number) => {
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (!child) {
        child = this.#httpDuration.labels({
          method,
          route,
          status: String(status),
        });
        // Routes, methods and statuses are bounded; the cap is a guard, not a limit.
        if (children.size < MAX_CACHED_CHILDREN) children.set(key, child);
      }
      return child;
    };
    return (req, res, next) => {
      const start = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        childOf(
          this.#methods.label(req.method),
          routeTemplate(req),
          res.statusCode,
        ).observe(seconds);
      });
      next();
    };
  }

  /**
   * Times every query of `knex` and counts connection failures: connections the pool
   * failed to open (which knex reports as no query event) and queries that failed
   * because the connection broke. Returns a function that stops it.
   *
   * Queries knex gives no id (those of the schema builder) are not timed. The pool is
   * the one `knex` has now; a knex destroyed and initialized again needs a new call.
   */
  instrumentKnex(knex: Knex): () => void {
    const started = new Map<string, bigint>();
    const onQuery = (query: unknown) => {
      const uid = queryUid(query);
      if (uid === undefined) return;
      if (started.size >= MAX_QUERIES_IN_FLIGHT) {
        const oldest = started.keys().next().value;
        if (oldest !== undefined) started.delete(oldest);
      }
      started.set(uid, process.hrtime.bigint());
    };
    const onEnd = (query: unknown) => {
      const uid = queryUid(query);
      const start = uid === undefined ? undefined : started.get(uid);
      if (uid === undefined || start === undefined) return;
      started.delete(uid);
      const sql = querySql(query);
      const table = sqlTable(sql);
      this.#queryDuration.observe(
        {
          operation: sqlOperation(sql),
          table: table === NO_TABLE ? NO_TABLE : this.#tables.label(table),
        },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    };
    const onResponse = (_response: unknown, query: unknown) => onEnd(query);
    const onError = (error: unknown, query: unknown) => {
      onEnd(query);
      if (isConnectionError(error)) this.#connectionErrors.inc();
    };
    const onCreateFail = () => this.#connectionErrors.inc();

    knex.on('query', onQuery);
    knex.on('query-response', onResponse);
    knex.on('query-error', onError);
    const pool = knex.client.pool;
    // An external pool given to knex (`connectionPool`) may have no events.
    const poolWithEvents = pool && 'on' in pool ? pool : undefined;
    poolWithEvents?.on('createFail', onCreateFail);

    return () => {
      knex.off('query', onQuery);
      knex.off('query-response', onResponse);
      knex.off('query-error', onError);
      poolWithEvents?.removeListener('createFail', onCreateFail);
      started.clear();
    };
  }

  /**
   * Sets the KPIs given; a `null` (or non-finite) value removes the KPI's series, so
   * "no value" is never scraped as 0. KPIs not in `values` keep what they had.
   */
  setKpiValues(values: Record<string, number | null>): void {
    for (const [kpi, value] of Object.entries(values)) {
      if (value === null || !Number.isFinite(value)) {
        this.#kpiValue.remove({ kpi });
      } else {
        this.#kpiValue.set({ kpi }, value);
      }
    }
  }

  /**
   * Replaces all alert counts with `rows`: a combination missing from `rows` drops
   * its series. Rows with the same labels add up.
   */
  setAlertCounts(rows: ReadonlyArray<AlertCount>): void {
    this.#alerts.reset();
    for (const { rule, severity, status, count } of rows) {
      this.#alerts.inc({ rule, severity, status }, count);
    }
  }

  /** Counts one business event; companies past the cap count as `other`. */
  countBusinessEvent(eventType: string, companyId: string): void {
    this.#businessEvents.inc({
      event_type: eventType,
      company_id: this.#companies.label(companyId),
    });
  }

  /** The scrape: every metric in Prometheus text format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return {
      contentType: this.#registry.contentType,
      body: await this.#registry.metrics(),
    };
  }
}

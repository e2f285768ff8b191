// The service's Prometheus metrics, as the IBIAS monitoring baseline names them:
//   http_request_duration_seconds{method,route,status}
//   ai_request_duration_seconds{provider,model,type,outcome}
//   database_query_duration_seconds{operation,table}
//   database_connection_errors_total
//   active_users (the baseline's active_users_total: a gauge may not end in _total)
//   business_events_total{event_type,company_id}
// plus Node.js process metrics. Every label fed from data is capped (see CappedLabel), so
// the number of series stays bounded whatever the traffic.
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

/** The label value of every value past a cap. */
export const OTHER = 'other';

/**
 * Maps the raw values of one label to at most `limit` names of their own plus `other`.
 * Each label value is a time series Prometheus keeps, so values that come from data
 * (company ids, model or table names) need a ceiling.
 *
 * First-seen rather than "most frequent": a value that lost its slot would leave a
 * series that stops moving, and the series count would grow with time.
 */
export class CappedLabel {
  private readonly named: Set<string>;

  private constructor(
    named: Iterable<string>,
    private readonly limit: number,
    private readonly growing: boolean,
  ) {
    this.named = new Set(named);
  }

  /** Only `values` keep their name; any other value is `other`. */
  static allowList(values: Iterable<string>): CappedLabel {
    const named = new Set(values);
    return new CappedLabel(named, named.size, false);
  }

  /** The first `limit` distinct values seen keep their name; later ones are `other`. */
  static firstSeen(limit: number): CappedLabel {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`A label cap must be a whole number ≥ 0: ${limit}`);
    }
    return new CappedLabel([], limit, true);
  }

  label(value: string): string {
    if (this.named.has(value)) return value;
    if (this.growing && this.named.size < this.limit) {
      this.named.add(value);
      return value;
    }
    return OTHER;
  }

  /** The values that keep their own name so far. */
  get values(): string[] {
    return [...this.named];
  }
}

export type AiOutcome = 'success' | 'error' | 'timeout';
export type DatabaseOperation =
  'select' | 'insert' | 'update' | 'delete' | 'other';
const DATABASE_OPERATIONS: DatabaseOperation[] = [
  'select',
  'insert',
  'update',
  'delete',
  'other',
];

/** Socket errors that mean the database could not be reached or dropped the connection. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // PostgreSQL: connection exceptions (class 08), the server shutting down, too many
  // connections.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Whether `error` says the database connection failed (rather than the query). */
export function isConnectionError(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String(error.code)
      : undefined;
  return code !== undefined && CONNECTION_ERROR_CODES.has(code);
}

export interface MetricsOptions {
  /** The `service` label on every series. */
  serviceName: string;
  /** How many company ids keep their own `company_id` label (the first seen). */
  companyLimit: number;
  /** AI model names that keep their name; unset, the first `modelLimit` seen do. */
  aiModels?: string[];
  /** How many AI model names keep their name when `aiModels` is not set. Default 20. */
  modelLimit?: number;
  /**
   * The tables the service queries: they keep their name, any other is `other`, and
   * their series start at 0. Unset, the first `tableLimit` tables seen keep theirs.
   */
  databaseTables?: string[];
  /** How many tables keep their name when `databaseTables` is not set. Default 50. */
  tableLimit?: number;
}

const PROCESS_GAUGES_NAMED_LIKE_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Labels that come from code rather than data still get a ceiling, in case they don't. */
const CODE_LABEL_LIMIT = 20;

export type ServiceMetrics = ReturnType<typeof createMetrics>;

/**
 * The registry and the calls the service (and its data and AI layers) record through.
 * A registry of its own: two instances (tests) never clash over a metric name.
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges *_total, a counter's suffix that promtool rejects;
  // nodejs_active_handles{type} and its siblings carry the same numbers.
  for (const name of PROCESS_GAUGES_NAMED_LIKE_COUNTERS) {
    registry.removeSingleMetric(name);
  }

  const companies = CappedLabel.firstSeen(options.companyLimit);
  const eventTypes = CappedLabel.firstSeen(CODE_LABEL_LIMIT);
  const providers = CappedLabel.firstSeen(CODE_LABEL_LIMIT);
  const aiTypes = CappedLabel.firstSeen(CODE_LABEL_LIMIT);
  const models = options.aiModels
    ? CappedLabel.allowList(options.aiModels)
    : CappedLabel.firstSeen(options.modelLimit ?? 20);
  const tables = options.databaseTables
    ? CappedLabel.allowList(options.databaseTables)
    : CappedLabel.firstSeen(options.tableLimit ?? 50);

  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const aiDuration = new Histogram({
    name: 'ai_request_duration_seconds',
    help: 'Duration of AI requests in seconds, by provider, model, type and outcome',
    labelNames: ['provider', 'model', 'type', 'outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const queryDuration = new Histogram({
    name: 'database_query_duration_seconds',
    help: 'Duration of database queries in seconds',
    labelNames: ['operation', 'table'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const connectionErrors = new Counter({
    name: 'database_connection_errors_total',
    help: 'Database connections that could not be opened or broke during a query',
    registers: [registry],
  });
  const activeUsers = new Gauge({
    name: 'active_users',
    help: 'Number of active users',
    registers: [registry],
  });
  const businessEvents = new Counter({
    name: 'business_events_total',
    help: 'Business events by type and company; companies past the cap count as "other"',
    labelNames: ['event_type', 'company_id'] as const,
    registers: [registry],
  });

  // Known tables start at 0, so rate() sees their first queries.
  for (const table of options.databaseTables ?? []) {
    for (const operation of DATABASE_OPERATIONS) {
      queryDuration.zero({ operation, table });
    }
  }

  function observeDatabaseQuery(
    labels: { operation: DatabaseOperation; table: string },
    seconds: number,
  ) {
    queryDuration.observe(
      { operation: labels.operation, table: tables.label(labels.table) },
      seconds,
    );
  }

  function observeAiRequest(
    labels: { provider: string; model: string; type: string },
    outcome: AiOutcome,
    seconds: number,
  ) {
    aiDuration.observe(
      {
        provider: providers.label(labels.provider),
        model: models.label(labels.model),
        type: aiTypes.label(labels.type),
        outcome,
      },
      seconds,
    );
  }

  return {
    registry,

    /** Records one answered HTTP request (the server calls it). */
    observeHttpRequest(
      labels: { method: string; route: string; status: string },
      seconds: number,
    ) {
      httpDuration.observe(labels, seconds);
    },

    /** Starts a request series at 0, so rate() sees its first request. */
    zeroHttpRequests(labels: {
      method: string;
      route: string;
      status: string;
    }) {
      httpDuration.zero(labels);
    },

    observeAiRequest,

    /**
     * Times one call to an AI provider: `success` when it resolves, `timeout` when it
     * rejects with a TimeoutError or AbortError, else `error` (and the error goes on).
     */
    async timeAiRequest<T>(
      labels: { provider: string; model: string; type: string },
      call: () => Promise<T>,
    ): Promise<T> {
      const start = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
      try {
        const result = await call();
        observeAiRequest(labels, 'success', seconds());
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        const outcome =
          name === 'TimeoutError' || name === 'AbortError'
            ? 'timeout'
            : 'error';
        observeAiRequest(labels, outcome, seconds());
        throw error;
      }
    },

    observeDatabaseQuery,

    /**
     * Times one query of the service's data layer; a failure whose code says the
     * connection failed (ECONNREFUSED, PostgreSQL 08xxx, …) also counts as a
     * connection error. The error goes on.
     */
    async timeDatabaseQuery<T>(
      labels: { operation: DatabaseOperation; table: string },
      query: () => Promise<T>,
    ): Promise<T> {
      const start = process.hrtime.bigint();
      try {
        return await query();
      } catch (error) {
        if (isConnectionError(error)) connectionErrors.inc();
        throw error;
      } finally {
        observeDatabaseQuery(
          labels,
          Number(process.hrtime.bigint() - start) / 1e9,
        );
      }
    },

    /** For a pool's own "could not connect" event, which no query reports. */
    countDatabaseConnectionError() {
      connectionErrors.inc();
    },

    /** The number of users active now, as the service counts them (sessions, …). */
    setActiveUsers(count: number) {
      activeUsers.set(count);
    },

    /** Counts one business event; companies past the cap count as `other`. */
    countBusinessEvent(eventType: string, companyId: string) {
      businessEvents.inc({
        event_type: eventTypes.label(eventType),
        company_id: companies.label(companyId),
      });
    },
  };
}

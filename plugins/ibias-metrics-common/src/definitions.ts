import { z } from 'zod';
import type { PeriodKind } from './periods';

/**
 * KPI definitions: what a KPI is, how good is good, how old is too old, who owns it and
 * where its numbers come from. The built-in ones below are the seed's executive dashboard
 * (MRR, CAC, LTV, NPS, monthly churn, uptime) and the figures behind them; config
 * (`ibias.metrics.kpis.<id>`) overrides any field or adds KPIs.
 */
export const KPI_UNITS = [
  'currency',
  'percent',
  'count',
  'score',
  'months',
  'ratio',
] as const;
export type KpiUnit = (typeof KPI_UNITS)[number];

/** The built-in formulas over the business's records (billing, spend, surveys, probes). */
export const RECORD_FORMULAS = [
  'mrr',
  'net_new_mrr',
  'arpa',
  'paying_customers',
  'new_customers',
  'customer_churn',
  'gross_mrr_churn',
  'net_mrr_churn',
  'ltv',
  'cac',
  'cac_payback',
  'nps',
  'uptime',
] as const;
export type RecordFormula = (typeof RECORD_FORMULAS)[number];

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "36h", "2d", "15m" → milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text);
  if (!m) {
    throw new RangeError(
      `"${text}" is not a duration such as 90s, 15m, 36h or 2d`,
    );
  }
  return Number(m[1]) * UNIT_MS[m[2]];
}

const duration = z
  .string()
  .regex(DURATION, 'must be a duration such as 90s, 15m, 36h or 2d');

const entityRef = z
  .string()
  .regex(
    /^[a-z0-9_-]+:[a-z0-9_.-]+\/[a-z0-9_.-]+$/i,
    'must be an entity ref such as group:default/executives',
  );

export const kpiSourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('records'),
    formula: z.enum(RECORD_FORMULAS),
  }),
  z.object({
    type: z.literal('sql'),
    /** Returns rows (period, value); `:from` and `:to` are bound to the range asked for. */
    query: z.string().min(1),
  }),
  z.object({
    type: z.literal('prometheus'),
    /** A PromQL instant query; `$__range` becomes the period's length. */
    query: z.string().min(1),
  }),
  z.object({
    type: z.literal('derived'),
    numerator: z.string().min(1),
    denominator: z.string().min(1),
  }),
]);
export type KpiSource = z.infer<typeof kpiSourceSchema>;

const thresholds = z
  .object({
    success: z.number(),
    warning: z.number(),
    /** Crossing it raises the KPI's alert. */
    error: z.number(),
  })
  .strict();

export const kpiDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case'),
    title: z.string().min(1).max(80),
    description: z.string().max(400).optional(),
    unit: z.enum(KPI_UNITS),
    /** Whether higher is better. */
    direction: z.enum(['up', 'down']),
    target: z.number().optional(),
    thresholds: thresholds.optional(),
    /** Past this age the tile says "stale". */
    freshness: duration,
    owner: entityRef,
    source: kpiSourceSchema,
    /** Financial figures need ibias.metrics.business.read. */
    financial: z.boolean(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const t = d.thresholds;
    if (!t) return;
    const ordered =
      d.direction === 'up'
        ? t.success >= t.warning && t.warning >= t.error
        : t.success <= t.warning && t.warning <= t.error;
    if (!ordered) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholds'],
        message:
          d.direction === 'up'
            ? 'must have success ≥ warning ≥ error, since higher is better'
            : 'must have success ≤ warning ≤ error, since lower is better',
      });
    }
  });
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

const EXEC = 'group:default/executives';
const PLATFORM = 'group:default/platform-team';

const records = (formula: RecordFormula) =>
  ({ type: 'records', formula } as const);

/** The built-in KPIs, by id. */
export const DEFAULT_KPIS: Record<string, KpiDefinition> = {
  mrr: {
    id: 'mrr',
    title: 'Monthly recurring revenue',
    unit: 'currency',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('mrr'),
    financial: true,
  },
  net_new_mrr: {
    id: 'net_new_mrr',
    title: 'Net new MRR',
    description: 'New + expansion + reactivation − contraction − churned MRR',
    unit: 'currency',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('net_new_mrr'),
    financial: true,
  },
  arpa: {
    id: 'arpa',
    title: 'ARPA',
    description: 'Average revenue per paying account',
    unit: 'currency',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('arpa'),
    financial: true,
  },
  paying_customers: {
    id: 'paying_customers',
    title: 'Paying customers',
    unit: 'count',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('paying_customers'),
    financial: true,
  },
  new_customers: {
    id: 'new_customers',
    title: 'New customers',
    unit: 'count',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('new_customers'),
    financial: true,
  },
  customer_churn: {
    id: 'customer_churn',
    title: 'Customer churn',
    description: 'Customers lost ÷ customers at the start of the period',
    unit: 'percent',
    direction: 'down',
    target: 0.02,
    thresholds: { success: 0.02, warning: 0.04, error: 0.06 },
    freshness: '2d',
    owner: EXEC,
    source: records('customer_churn'),
    financial: true,
  },
  gross_mrr_churn: {
    id: 'gross_mrr_churn',
    title: 'Gross MRR churn',
    unit: 'percent',
    direction: 'down',
    freshness: '2d',
    owner: EXEC,
    source: records('gross_mrr_churn'),
    financial: true,
  },
  net_mrr_churn: {
    id: 'net_mrr_churn',
    title: 'Net MRR churn',
    unit: 'percent',
    direction: 'down',
    freshness: '2d',
    owner: EXEC,
    source: records('net_mrr_churn'),
    financial: true,
  },
  ltv: {
    id: 'ltv',
    title: 'Customer lifetime value',
    description: 'ARPA × gross margin ÷ monthly customer churn',
    unit: 'currency',
    direction: 'up',
    freshness: '2d',
    owner: EXEC,
    source: records('ltv'),
    financial: true,
  },
  cac: {
    id: 'cac',
    title: 'Customer acquisition cost',
    description: 'Sales and marketing spend ÷ new customers',
    unit: 'currency',
    direction: 'down',
    freshness: '2d',
    owner: EXEC,
    source: records('cac'),
    financial: true,
  },
  cac_payback: {
    id: 'cac_payback',
    title: 'CAC payback',
    description: "CAC ÷ (new customers' ARPA × gross margin)",
    unit: 'months',
    direction: 'down',
    thresholds: { success: 12, warning: 18, error: 24 },
    freshness: '2d',
    owner: EXEC,
    source: records('cac_payback'),
    financial: true,
  },
  ltv_cac: {
    id: 'ltv_cac',
    title: 'LTV : CAC',
    unit: 'ratio',
    direction: 'up',
    target: 3,
    thresholds: { success: 3, warning: 2, error: 1 },
    freshness: '2d',
    owner: EXEC,
    source: { type: 'derived', numerator: 'ltv', denominator: 'cac' },
    financial: true,
  },
  nps: {
    id: 'nps',
    title: 'Net promoter score',
    description: '% promoters (9–10) − % detractors (0–6)',
    unit: 'score',
    direction: 'up',
    target: 50,
    thresholds: { success: 50, warning: 30, error: 0 },
    freshness: '7d',
    owner: EXEC,
    source: records('nps'),
    financial: false,
  },
  uptime: {
    id: 'uptime',
    title: 'System uptime',
    description: 'Good probes ÷ all probes over the window',
    unit: 'percent',
    direction: 'up',
    target: 0.999,
    thresholds: { success: 0.999, warning: 0.995, error: 0.99 },
    freshness: '1d',
    owner: PLATFORM,
    source: records('uptime'),
    financial: false,
  },
};

/** The six KPIs of the seed's executive dashboard, in its order. */
export const EXECUTIVE_KPIS = [
  'mrr',
  'cac',
  'ltv',
  'nps',
  'customer_churn',
  'uptime',
] as const;

/** Periods each record formula can be reported by (MRR movements are monthly). */
export function supportedPeriods(definition: KpiDefinition): PeriodKind[] {
  if (definition.source.type === 'records') {
    return ['nps', 'uptime'].includes(definition.source.formula)
      ? ['day', 'week', 'month', 'quarter']
      : ['month', 'quarter'];
  }
  return ['day', 'week', 'month', 'quarter'];
}

export type KpiStatus = 'success' | 'warning' | 'error';

/** How a value stands against the KPI's thresholds; undefined without thresholds or value. */
export function kpiStatus(
  definition: Pick<KpiDefinition, 'direction' | 'thresholds'>,
  value: number | null | undefined,
): KpiStatus | undefined {
  const t = definition.thresholds;
  if (!t || value === null || value === undefined) return undefined;
  const meets = (bound: number) =>
    definition.direction === 'up' ? value >= bound : value <= bound;
  if (meets(t.success)) return 'success';
  if (meets(t.warning)) return 'warning';
  return 'error';
}

/** Whether a value has crossed the KPI's error threshold (raises its alert). */
export function breachesError(
  definition: Pick<KpiDefinition, 'direction' | 'thresholds'>,
  value: number,
): boolean {
  const t = definition.thresholds;
  if (!t) return false;
  return definition.direction === 'up' ? value < t.error : value > t.error;
}

/** Words a zod issue path as a config key: ibias.metrics.kpis.mrr.thresholds.warning. */
export function describeDefinitionIssues(
  prefix: string,
  error: z.ZodError,
): string {
  return error.issues
    .map(issue => {
      const key = [prefix, ...issue.path.map(String)].join('.');
      return `${key} ${issue.message}`;
    })
    .join('; ');
}

/**
 * The KPI definitions in force: the built-in ones with config's fields laid over them, and
 * config's own. Throws one message naming every invalid field, and a derived KPI that
 * names an unknown KPI.
 */
export function resolveKpiDefinitions(
  overrides: Record<string, Record<string, unknown>>,
  prefix = 'ibias.metrics.kpis',
): Record<string, KpiDefinition> {
  const result: Record<string, KpiDefinition> = {};
  const problems: string[] = [];
  const ids = new Set([
    ...Object.keys(DEFAULT_KPIS),
    ...Object.keys(overrides),
  ]);
  for (const id of ids) {
    const base = DEFAULT_KPIS[id] ?? {};
    const override = overrides[id] ?? {};
    const merged = {
      ...base,
      ...override,
      id,
      thresholds:
        override.thresholds === undefined
          ? base.thresholds
          : { ...base.thresholds, ...(override.thresholds as object) },
    };
    if (merged.thresholds === undefined) delete merged.thresholds;
    const parsed = kpiDefinitionSchema.safeParse(merged);
    if (!parsed.success) {
      problems.push(describeDefinitionIssues(`${prefix}.${id}`, parsed.error));
    } else {
      result[id] = parsed.data;
    }
  }
  for (const d of Object.values(result)) {
    if (d.source.type !== 'derived') continue;
    for (const part of ['numerator', 'denominator'] as const) {
      const ref = d.source[part];
      if (!result[ref] || result[ref].source.type === 'derived') {
        problems.push(
          `${prefix}.${d.id}.source.${part} must name a KPI that is not itself derived, not "${ref}"`,
        );
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid KPI definitions: ${problems.join('; ')}`);
  }
  return result;
}

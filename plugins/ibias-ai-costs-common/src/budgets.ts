import { z } from 'zod';

export const BUDGET_SCOPES = ['team', 'service', 'provider', 'model'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];
export const BUDGET_PERIODS = ['month', 'week'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** Percentages of the budget that warn, each once per period. */
export const DEFAULT_THRESHOLDS = [50, 80, 100];

export const budgetSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,62}$/,
        'must be lower case letters, digits and dashes',
      ),
    scope: z.enum(BUDGET_SCOPES),
    /**
     * What the budget covers: a group ref (team), an entity ref (service), a provider
     * name, or a model name.
     */
    target: z.string().min(1).max(255),
    period: z.enum(BUDGET_PERIODS).default('month'),
    /** US dollars per period. */
    amount: z.number().positive('must be more than 0'),
    thresholds: z
      .array(z.number().positive().max(1000))
      .min(1)
      .max(10)
      .default(DEFAULT_THRESHOLDS),
  })
  .strict();

export type BudgetInput = z.input<typeof budgetSchema>;
export type Budget = z.output<typeof budgetSchema>;

/** The budget period holding `at`: a UTC month, or an ISO week (Monday to Monday, UTC). */
export function budgetPeriodOf(
  period: BudgetPeriod,
  at: Date,
): { start: Date; end: Date } {
  if (period === 'month') {
    const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    const end = new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1),
    );
    return { start, end };
  }
  const midnight = Date.UTC(
    at.getUTCFullYear(),
    at.getUTCMonth(),
    at.getUTCDate(),
  );
  // getUTCDay: Sunday 0 … Saturday 6; ISO weeks start on Monday.
  const sinceMonday = (at.getUTCDay() + 6) % 7;
  const start = new Date(midnight - sinceMonday * 86_400_000);
  return { start, end: new Date(start.getTime() + 7 * 86_400_000) };
}

/**
 * The thresholds a period's spend has reached that have not fired in it yet, lowest
 * first. What fired is kept per period (see thresholdKey), so each fires exactly once a
 * period and all are armed again at the next.
 */
export function thresholdsToFire(
  budget: Pick<Budget, 'amount' | 'thresholds'>,
  spendMicros: number,
  fired: ReadonlySet<number>,
): number[] {
  const budgetMicros = budget.amount * 1_000_000;
  return [...new Set(budget.thresholds)]
    .sort((a, b) => a - b)
    .filter(t => !fired.has(t) && spendMicros * 100 >= budgetMicros * t);
}

/**
 * What makes a firing unique: the budget, the period and the percentage (or `forecast`,
 * the month-end forecast passing the budget).
 */
export function thresholdKey(
  budgetId: string,
  periodStart: Date,
  threshold: number | 'forecast',
): string {
  return `${budgetId}|${periodStart.toISOString()}|${threshold}`;
}

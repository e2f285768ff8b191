/**
 * Monthly recurring revenue from subscription lifecycle events, and its movements.
 *
 * Every event states what one subscription is worth per month after it (0 once it is
 * cancelled). A customer's MRR at an instant is the sum over its subscriptions of the
 * value of the latest event at or before that instant. Movements compare each customer's
 * MRR at the start of a period with its MRR when the period is measured, so a customer who
 * cancels one of two subscriptions contracts; only a customer left with nothing churns.
 *
 * Money is integer micro-dollars throughout.
 */

export const BILLING_EVENT_TYPES = [
  'subscription_started',
  'subscription_changed',
  'subscription_cancelled',
] as const;
export type BillingEventType = (typeof BILLING_EVENT_TYPES)[number];

export interface BillingEvent {
  /** Unique per source; the same id twice is the same event (imports are idempotent). */
  id: string;
  customerId: string;
  subscriptionId: string;
  type: BillingEventType;
  /** ISO 8601. */
  occurredAt: string;
  /** The subscription's MRR after the event, micro-dollars; 0 when cancelled. */
  mrrMicros: number;
  plan?: string;
}

export const MRR_MOVEMENTS = [
  'new',
  'expansion',
  'contraction',
  'churn',
  'reactivation',
] as const;
export type MrrMovement = (typeof MRR_MOVEMENTS)[number];

/**
 * What one customer's MRR did over a period: `start` at its start, `end` when measured,
 * `paidBefore` whether it had paid anything before the period started.
 */
export function classifyMovement(
  start: number,
  end: number,
  hadPaid: boolean,
): MrrMovement | undefined {
  if (start === 0 && end > 0) return hadPaid ? 'reactivation' : 'new';
  if (start > 0 && end === 0) return 'churn';
  if (end > start) return 'expansion';
  if (end < start) return 'contraction';
  return undefined;
}

/** One customer's MRR as a step function: the instants it changed and its value after each. */
export interface MrrSteps {
  customerId: string;
  /** Ascending by `at` (ms since the epoch). */
  steps: Array<{ at: number; mrrMicros: number }>;
}

/** Code-unit order (not locale order), so the same ids sort the same everywhere. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Each customer's MRR step function from its events. Events of one subscription at the
 * same instant apply in id order, so a replayed import gives the same answer.
 */
export function customerMrrSteps(events: BillingEvent[]): MrrSteps[] {
  const byCustomer = new Map<string, BillingEvent[]>();
  for (const e of events) {
    const list = byCustomer.get(e.customerId);
    if (list) list.push(e);
    else byCustomer.set(e.customerId, [e]);
  }
  const result: MrrSteps[] = [];
  for (const [customerId, list] of byCustomer) {
    list.sort(
      (a, b) =>
        Date.parse(a.occurredAt) - Date.parse(b.occurredAt) ||
        compareIds(a.id, b.id),
    );
    const bySubscription = new Map<string, number>();
    let total = 0;
    const steps: MrrSteps['steps'] = [];
    for (const e of list) {
      total += e.mrrMicros - (bySubscription.get(e.subscriptionId) ?? 0);
      bySubscription.set(e.subscriptionId, e.mrrMicros);
      const at = Date.parse(e.occurredAt);
      const last = steps[steps.length - 1];
      if (last && last.at === at) last.mrrMicros = total;
      else steps.push({ at, mrrMicros: total });
    }
    result.push({ customerId, steps });
  }
  return result;
}

/** A customer's MRR at `at` (events at exactly `at` count). */
export function mrrAt(steps: MrrSteps['steps'], at: number): number {
  let value = 0;
  for (const step of steps) {
    if (step.at > at) break;
    value = step.mrrMicros;
  }
  return value;
}

/** Whether the customer paid anything strictly before `at`. */
export function paidBefore(steps: MrrSteps['steps'], at: number): boolean {
  return steps.some(s => s.at < at && s.mrrMicros > 0);
}

/** One customer's position over one period: what the store keeps per customer and period. */
export interface CustomerPeriodMrr {
  customerId: string;
  startMicros: number;
  endMicros: number;
  movement?: MrrMovement;
}

/**
 * Each customer's MRR at the period's start (just before it: events at the start instant
 * belong to the period) and at `until`, with its movement. Customers with nothing at
 * either end and no movement are left out.
 */
export function customerPeriodMrr(
  customers: MrrSteps[],
  start: number,
  until: number,
): CustomerPeriodMrr[] {
  const rows: CustomerPeriodMrr[] = [];
  for (const { customerId, steps } of customers) {
    const startMicros = mrrAt(steps, start - 1);
    const endMicros = mrrAt(steps, until - 1);
    if (startMicros === 0 && endMicros === 0) continue;
    rows.push({
      customerId,
      startMicros,
      endMicros,
      movement: classifyMovement(
        startMicros,
        endMicros,
        paidBefore(steps, start),
      ),
    });
  }
  return rows;
}

/** The sums the KPI formulas take, for one period. Amounts are positive magnitudes. */
export interface MrrSummary {
  startMrrMicros: number;
  endMrrMicros: number;
  newMicros: number;
  expansionMicros: number;
  contractionMicros: number;
  churnMicros: number;
  reactivationMicros: number;
  customersAtStart: number;
  customersAtEnd: number;
  newCustomers: number;
  churnedCustomers: number;
  reactivatedCustomers: number;
}

export const EMPTY_MRR_SUMMARY: MrrSummary = {
  startMrrMicros: 0,
  endMrrMicros: 0,
  newMicros: 0,
  expansionMicros: 0,
  contractionMicros: 0,
  churnMicros: 0,
  reactivationMicros: 0,
  customersAtStart: 0,
  customersAtEnd: 0,
  newCustomers: 0,
  churnedCustomers: 0,
  reactivatedCustomers: 0,
};

/** Adds one customer's period to a summary (the store does the same in SQL). */
export function summarizeMrr(rows: CustomerPeriodMrr[]): MrrSummary {
  const s = { ...EMPTY_MRR_SUMMARY };
  for (const r of rows) {
    s.startMrrMicros += r.startMicros;
    s.endMrrMicros += r.endMicros;
    if (r.startMicros > 0) s.customersAtStart++;
    if (r.endMicros > 0) s.customersAtEnd++;
    const delta = r.endMicros - r.startMicros;
    switch (r.movement) {
      case 'new':
        s.newMicros += delta;
        s.newCustomers++;
        break;
      case 'reactivation':
        s.reactivationMicros += delta;
        s.reactivatedCustomers++;
        break;
      case 'expansion':
        s.expansionMicros += delta;
        break;
      case 'contraction':
        s.contractionMicros -= delta;
        break;
      case 'churn':
        s.churnMicros -= delta;
        s.churnedCustomers++;
        break;
      default:
        break;
    }
  }
  return s;
}

/** Monthly MRR of a price: Stripe-style interval and count, amount in micro-dollars. */
export function monthlyMicros(
  amountMicros: number,
  interval: 'day' | 'week' | 'month' | 'year',
  intervalCount = 1,
): number {
  const perMonth = { day: 365 / 12, week: 52 / 12, month: 1, year: 1 / 12 }[
    interval
  ];
  return Math.round((amountMicros * perMonth) / intervalCount);
}

import type { PricingInput } from '@internal/plugin-ibias-ai-costs-common';

/**
 * The ledger behind the dashboards, read and rewritten whole: rollup lines for the
 * FinOps export, re-pricing of raw events with their rollups, and the raw events'
 * retention. (The dashboards' grouped reads are UsageStore's.)
 */

/** One daily rollup line: a day, team, service, provider and model. */
export interface RollupLine {
  /** The day's start (UTC, epoch milliseconds). */
  day: number;
  team: string;
  entityRef: string;
  provider: string;
  model: string;
  calls: number;
  errors: number;
  unpricedCalls: number;
  costMicros: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  seconds: number;
}

/** Where a page of rollup lines ended: the next page starts after it. */
export type RollupLineCursor = Pick<
  RollupLine,
  'day' | 'team' | 'entityRef' | 'provider' | 'model'
>;

export interface RollupLineQuery {
  /** Day starts in [from, to). */
  from: number;
  to: number;
  /** Only these teams; undefined for every team. */
  teams?: string[];
}

export type { PricingInput };

/** An event's price: null when no price covers it (unpriced, never $0). */
export interface PricedAs {
  costMicros: number | null;
  priceId: string | null;
}

export interface RepriceWindow {
  /** Events whose timestamp is in [from, to). */
  from: number;
  to: number;
  /** Only this model's events. */
  model?: string;
}

export interface RepriceCounts {
  /** Raw events in the window. */
  events: number;
  /** Events whose cost or price id this call changed. */
  repriced: number;
  /** Hourly and daily rollup rows adjusted. */
  rollupRows: number;
  costBeforeMicros: number;
  costAfterMicros: number;
  unpricedBefore: number;
  unpricedAfter: number;
}

export interface UsageLedgerStore {
  /**
   * Daily rollup lines in [from, to), in (day, team, entity, provider, model) order, at
   * most `limit`, after `cursor` when given.
   */
  dailyLines(
    query: RollupLineQuery,
    cursor: RollupLineCursor | undefined,
    limit: number,
  ): Promise<RollupLine[]>;
  /** How many raw events a re-pricing of the window would read. */
  countEvents(window: RepriceWindow): Promise<number>;
  /**
   * Prices every raw event of the window again with `price`, records what changed
   * (compare-and-set on the old cost and price id, so two re-pricings at once count each
   * change once) and adds the differences to the event's hourly and daily rollup rows,
   * in one transaction.
   */
  reprice(
    window: RepriceWindow,
    price: (event: PricingInput) => PricedAs,
  ): Promise<RepriceCounts>;
  /**
   * Deletes at most `limit` raw events older than `before` (epoch milliseconds) and
   * returns how many it deleted; rollups are kept.
   */
  deleteEventsBefore(before: number, limit: number): Promise<number>;
}

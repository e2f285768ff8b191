import type { UsageEvent } from '@internal/plugin-ibias-ai-costs-common';

/** An event as it is recorded: attributed, priced (or not), and who reported it. */
export interface RecordedEvent extends UsageEvent {
  /** The catalog's lowercase ref of the entity. */
  entityRef: string;
  /** The owner's group ref at ingestion, or `unattributed`. */
  team: string;
  /** Null when no price covered it. */
  costMicros: number | null;
  priceId: string | null;
  reportedBy: string;
}

export const UNATTRIBUTED = 'unattributed';

export type RollupPeriod = 'hour' | 'day';
export type GroupBy = 'team' | 'entity' | 'provider' | 'model';

export interface CostQuery {
  from: number;
  to: number;
  period: RollupPeriod;
  groupBy: GroupBy;
  entityRef?: string;
  /** Only these teams; undefined for every team. */
  teams?: string[];
}

export interface CostRowData {
  bucket: number;
  key: string;
  costMicros: number;
  calls: number;
  errors: number;
  unpricedCalls: number;
  inputTokens: number;
  outputTokens: number;
  seconds: number;
}

/** A budget's scope over a range of days. */
export interface DailyCostFilter {
  from: number;
  to: number;
  team?: string;
  entityRef?: string;
  provider?: string;
  model?: string;
}

export interface UsageStore {
  /**
   * Records the events not recorded before (by id) and adds them to the hourly and daily
   * rollups, in one transaction. Returns those it recorded.
   */
  ingest(events: RecordedEvent[], now: Date): Promise<RecordedEvent[]>;
  /** Whether any usage event is recorded (a first start has none). */
  hasUsage(): Promise<boolean>;
  /** Rollup rows in [from, to), grouped. */
  costs(query: CostQuery): Promise<CostRowData[]>;
  /** The teams with spend in [from, to), of one entity if given (for what a caller may not see). */
  teams(from: number, to: number, entityRef?: string): Promise<string[]>;
  /** Each day's cost in [from, to) of what matches (a budget's scope), days without spend left out. */
  dailyCosts(
    filter: DailyCostFilter,
  ): Promise<Array<{ day: number; costMicros: number }>>;
  /**
   * Records firings (budget thresholds, the forecast) not recorded before, by key, and
   * returns the keys this call recorded: each fires once, whichever replica asks.
   */
  recordFirings(
    firings: Array<{
      key: string;
      budgetId: string;
      periodStart: number;
      threshold: string;
      spentMicros: number;
    }>,
    now: Date,
  ): Promise<string[]>;
  /** The keys of the firings recorded for a budget's period. */
  firedKeys(budgetId: string, periodStart: number): Promise<string[]>;
  /** The same sums from the raw events (checks and benchmarks; never the dashboards). */
  costsFromEvents(query: CostQuery): Promise<CostRowData[]>;
}

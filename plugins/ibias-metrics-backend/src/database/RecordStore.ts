import type {
  BillingEvent,
  MrrMovement,
  MrrSummary,
  PeriodKind,
  SurveyCounts,
} from '@internal/plugin-ibias-metrics-common';

export type RecordSource = 'sample' | 'import' | 'stripe';

export interface SpendRecord {
  id: string;
  /** ISO date or instant; stored as its UTC day. */
  day: string;
  channel: string;
  amountMicros: number;
}

export interface SurveyResponse {
  id: string;
  customerId?: string;
  respondedAt: string;
  score: number;
}

export interface ProbeCount {
  /** ISO date or instant; stored as its UTC day. */
  day: string;
  service: string;
  good: number;
  total: number;
}

export interface ImportBatch {
  billing?: BillingEvent[];
  spend?: SpendRecord[];
  surveys?: SurveyResponse[];
  probes?: ProbeCount[];
  /** The webhook event the batch came from: recorded with it, so a replay writes nothing. */
  webhookEvent?: { id: string; provider: string; type: string };
}

export interface ImportResult {
  /** Records written; a record whose id is already stored is skipped, not counted. */
  inserted: { billing: number; spend: number; surveys: number; probes: number };
  skipped: number;
  /** The batch's webhook event was seen before: nothing was written. */
  replayed: boolean;
  /** Customers whose MRR rows were rebuilt. */
  customers: number;
}

/** [from, until) in ms since the epoch. */
export interface Window {
  from: number;
  until: number;
}

/** One customer's MRR row behind a period's figures (the derivation's records). */
export interface CustomerMrrRow {
  customerId: string;
  startMicros: number;
  endMicros: number;
  movement?: MrrMovement;
}

/**
 * The business's records and the MRR rollups derived from them. Imports are idempotent by
 * record id and rebuild the rollups of the customers they touch in the same transaction,
 * so a reader never sees events without their rollup.
 */
export interface RecordStore {
  /** Writes a batch; `now` decides which period is partial. */
  import(
    batch: ImportBatch,
    source: RecordSource,
    now: Date,
  ): Promise<ImportResult>;
  /** Rebuilds every customer's rows (a new month began, or the rows are suspect). */
  rebuildAll(now: Date): Promise<number>;
  /** The start of the newest period of `kind` with a rollup, or undefined. */
  latestRollup(kind: PeriodKind): Promise<number | undefined>;
  /** The MRR sums of the periods of `kind` starting at `starts`, keyed by start. */
  mrrSummaries(
    kind: PeriodKind,
    starts: number[],
  ): Promise<Map<number, MrrSummary>>;
  /** Customers' MRR rows behind one period, largest movement first. */
  mrrRows(
    kind: PeriodKind,
    start: number,
    limit: number,
  ): Promise<CustomerMrrRow[]>;
  /** Total MRR at an instant, from the events (for a partial period's comparison). */
  mrrAt(at: number): Promise<number>;
  spend(window: Window): Promise<number | undefined>;
  surveyCounts(window: Window): Promise<SurveyCounts>;
  probeCounts(window: Window): Promise<{ good: number; total: number }>;
  /** The newest record's time per kind, for "as of". */
  latestRecordAt(): Promise<{
    billing?: number;
    spend?: number;
    surveys?: number;
    probes?: number;
  }>;
  /**
   * Customers' MRR at `from` and at `until` with whether they paid before `from`, computed
   * from the events (a partial period's comparison window, and a check of the rollups).
   */
  mrrWindow(window: Window): Promise<CustomerMrrRow[]>;
  /** Writes KPI snapshots (one per KPI, period kind and period start; a later one wins). */
  saveSnapshots(
    rows: Array<{
      kpiId: string;
      kind: PeriodKind;
      periodStart: number;
      value: number | null;
      reason?: string;
      partial: boolean;
    }>,
    now: number,
  ): Promise<void>;
  /** The kept values of a KPI for these periods (gaps are not kept). */
  snapshots(
    kpiId: string,
    kind: PeriodKind,
    periodStarts: number[],
  ): Promise<
    Array<{
      periodStart: number;
      value: number;
      /** Taken before the period ended. */
      partial: boolean;
      takenAt: number;
    }>
  >;
  getFact(key: string): Promise<string | undefined>;
  setFact(key: string, value: string): Promise<void>;
  /** Removes every record of a source (the sample, once real data arrives). */
  removeSource(source: RecordSource, now: Date): Promise<void>;
}

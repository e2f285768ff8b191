import {
  LATENCY_BUCKET_BOUNDS_MS,
  latencyBucketIndex,
} from '@internal/plugin-ibias-ai-costs-common';

export type LatencyColumn = `latency_${string}`;

/**
 * The rollup columns that count calls by latency, in ladder order: one per bound of
 * LATENCY_BUCKET_BOUNDS_MS (`latency_le_100` …) and `latency_over_60000` past the last
 * (migrations/20261209100000_alerts.js adds them).
 */
export const LATENCY_COLUMNS: ReadonlyArray<LatencyColumn> = [
  ...LATENCY_BUCKET_BOUNDS_MS.map(bound => `latency_le_${bound}` as const),
  `latency_over_${
    LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1]
  }`,
];

/** The column a call of `latencyMs` is counted in. */
export const latencyColumnOf = (latencyMs: number): LatencyColumn =>
  LATENCY_COLUMNS[latencyBucketIndex(latencyMs)];

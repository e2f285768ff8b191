import type { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  measuredAt,
  type KpiDefinition,
  type Period,
} from '@internal/plugin-ibias-metrics-common';
import type { ExternalKpiSource } from '../kpi/KpiService';
import type { KpiComputation } from '../kpi/RecordKpis';
import type {
  PrometheusQueryApi,
  PrometheusSample,
} from '../prometheus/PrometheusClient';

/** `$__range`, not the start of a longer name such as `$__range_s`. */
const RANGE = /\$__range(?![A-Za-z0-9_])/g;

/** How many periods are asked of Prometheus at once. */
const CONCURRENCY = 4;

/** A KPI's PromQL for one period: `$__range` becomes its measured length, `<n>s`. */
export function promqlForPeriod(
  query: string,
  period: Period,
): { promql: string; at: Date; rangeSeconds: number } {
  const at = measuredAt(period);
  const rangeSeconds = Math.floor(
    (at.getTime() - Date.parse(period.start)) / 1000,
  );
  return {
    promql: query.replace(RANGE, `${rangeSeconds}s`),
    at,
    rangeSeconds,
  };
}

/**
 * KPIs from Prometheus (uptime, active users): one instant query per period, evaluated at
 * the instant the period is measured (its end, or `asOf` when partial), with `$__range`
 * replaced by the period's measured length in seconds — `avg_over_time(up[$__range])`
 * over a partial month covers the month so far, not a whole month.
 *
 * The query must come down to one number: no series is "no data" (a gap, never 0), and
 * several series are refused with a gap asking for an aggregation rather than summed
 * behind the reader's back (a sum of ratios or averages is not a KPI). NaN (0 ÷ 0) and
 * infinities are gaps too. Money, as everywhere, is micro-dollars.
 */
export class PrometheusKpiSource implements ExternalKpiSource {
  constructor(
    private readonly options: {
      prometheus: PrometheusQueryApi;
      logger?: LoggerService;
    },
  ) {}

  async values(
    definition: KpiDefinition,
    periods: Period[],
  ): Promise<KpiComputation[]> {
    const source = definition.source;
    if (source.type !== 'prometheus') {
      throw new Error(`${definition.id} is not a Prometheus KPI`);
    }
    const results: KpiComputation[] = new Array(periods.length);
    let next = 0;
    const failures = new Set<string>();
    const worker = async () => {
      while (next < periods.length) {
        const index = next++;
        results[index] = await this.#one(source.query, periods[index], reason =>
          failures.add(reason),
        );
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, periods.length) }, worker),
    );
    for (const reason of failures) {
      this.options.logger?.warn(`Prometheus KPI ${definition.id}: ${reason}`);
    }
    return results;
  }

  async #one(
    query: string,
    period: Period,
    failed: (reason: string) => void,
  ): Promise<KpiComputation> {
    const { promql, at, rangeSeconds } = promqlForPeriod(query, period);
    const computation = (value: number | null, reason?: string) => ({
      value,
      ...(reason === undefined ? {} : { reason }),
      formula: promql,
      inputs: { rangeSeconds },
    });
    if (rangeSeconds < 1) {
      return computation(null, 'the period has only just begun');
    }
    let samples: PrometheusSample[];
    try {
      samples = await this.options.prometheus.query(promql, at);
    } catch (error) {
      // PrometheusClient's errors name the host and the API path, never credentials.
      const reason = isError(error) ? error.message : String(error);
      failed(reason);
      return computation(null, reason);
    }
    if (samples.length === 0) return computation(null, 'no data');
    if (samples.length > 1) {
      return computation(
        null,
        `the query returns ${samples.length} series; aggregate it to one (sum, avg, max … by nothing)`,
      );
    }
    const value = samples[0].value;
    if (Number.isNaN(value)) {
      return computation(null, 'the value is NaN (a division of 0 by 0?)');
    }
    if (!Number.isFinite(value)) {
      return computation(null, 'the value is infinite');
    }
    return computation(value);
  }
}

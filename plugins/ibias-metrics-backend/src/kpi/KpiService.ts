import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  addPeriods,
  comparisonPeriod,
  periodStart,
  kpiStatus,
  metricsBusinessReadPermission,
  parseDuration,
  partialLabel,
  ratio,
  recentPeriods,
  relativeChange,
  supportedPeriods,
  type KpiDefinition,
  type Period,
  type PeriodKind,
  type RecordFormula,
} from '@internal/plugin-ibias-metrics-common';
import type { RecordStore } from '../database/RecordStore';
import {
  computeRecordFormula,
  RecordInputs,
  type KpiComputation,
  type PeriodInputs,
} from './RecordKpis';

/** A KPI source other than the business's records: SQL or Prometheus. */
export interface ExternalKpiSource {
  /** One value per period (null where it has none). */
  values(
    definition: KpiDefinition,
    periods: Period[],
  ): Promise<KpiComputation[]>;
}

export interface KpiPoint extends KpiComputation {
  period: Period;
  partialLabel?: string;
}

export interface KpiSeries {
  definition: KpiDefinition;
  points: KpiPoint[];
  /** The last point's comparison: the previous period, cut to the same elapsed part. */
  comparison?: KpiPoint;
  change?: number;
  status?: 'success' | 'warning' | 'error';
  /** The newest record the KPI is computed from. */
  asOf?: string;
  stale: boolean;
}

const FORMULA_RECORDS: Record<RecordFormula, Array<keyof Freshness>> = {
  mrr: ['billing'],
  net_new_mrr: ['billing'],
  arpa: ['billing'],
  paying_customers: ['billing'],
  new_customers: ['billing'],
  customer_churn: ['billing'],
  gross_mrr_churn: ['billing'],
  net_mrr_churn: ['billing'],
  ltv: ['billing'],
  cac: ['billing', 'spend'],
  cac_payback: ['billing', 'spend'],
  nps: ['surveys'],
  uptime: ['probes'],
};
interface Freshness {
  billing?: number;
  spend?: number;
  surveys?: number;
  probes?: number;
}

/**
 * KPIs by definition: computed from the business's records, an SQL database, Prometheus
 * or other KPIs, over periods, with their comparison, status, freshness and derivation.
 * Financial KPIs need ibias.metrics.business.read, checked here on every call.
 */
export class KpiService {
  private readonly inputs: RecordInputs;

  constructor(
    private readonly options: {
      store: RecordStore;
      definitions: Record<string, KpiDefinition>;
      permissions: PermissionsService;
      auditor?: AuditorService;
      grossMargin: number;
      sources: Partial<Record<'sql' | 'prometheus', ExternalKpiSource>>;
      now?: () => Date;
    },
  ) {
    this.inputs = new RecordInputs(options.store);
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** Whether the caller may see financial figures. */
  async canSeeBusiness(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: metricsBusinessReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** The definitions the caller may see. */
  async visibleDefinitions(
    credentials: BackstageCredentials,
  ): Promise<KpiDefinition[]> {
    const business = await this.canSeeBusiness(credentials);
    return Object.values(this.options.definitions).filter(
      d => business || !d.financial,
    );
  }

  /** A KPI's definition, or 404 / 403. */
  async definition(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<KpiDefinition> {
    // Own properties only: `constructor` passes the id pattern and every object has one.
    const definition = Object.hasOwn(this.options.definitions, id)
      ? this.options.definitions[id]
      : undefined;
    if (!definition) throw new NotFoundError(`No KPI "${id}"`);
    if (definition.financial && !(await this.canSeeBusiness(credentials))) {
      throw new NotAllowedError(
        `"${definition.title}" is a financial KPI: it needs the ibias.metrics.business.read permission`,
      );
    }
    return definition;
  }

  /**
   * A SQL or Prometheus KPI's gaps filled from the values kept by the snapshot task:
   * Prometheus forgets what is older than its retention, and a source that does not
   * answer now answered before. A filled point says so in its formula; a gap stays a gap.
   */
  private async withSnapshots(
    definition: KpiDefinition,
    periods: Period[],
    values: KpiComputation[],
  ): Promise<KpiComputation[]> {
    const missing = periods.filter((_p, i) => values[i].value === null);
    if (missing.length === 0) return values;
    const kept = new Map(
      (
        await this.options.store.snapshots(
          definition.id,
          periods[0].kind,
          missing.map(p => Date.parse(p.start)),
        )
      ).map(k => [k.periodStart, k]),
    );
    return values.map((v, i) => {
      const snapshot =
        v.value === null ? kept.get(Date.parse(periods[i].start)) : undefined;
      if (!snapshot) return v;
      const when = new Date(snapshot.takenAt).toISOString();
      return {
        value: snapshot.value,
        formula: `${v.formula} — kept by the snapshot of ${when}${
          snapshot.partial ? ', before the period ended' : ''
        }, as the source has no value now (${v.reason ?? 'no data'})`,
        inputs: { snapshot: snapshot.value },
      };
    });
  }

  /** Several KPIs over the last `count` periods of `kind`, each with its comparison. */
  async series(
    definitions: KpiDefinition[],
    kind: PeriodKind,
    count: number,
  ): Promise<KpiSeries[]> {
    for (const d of definitions) {
      if (!supportedPeriods(d).includes(kind)) {
        throw new InputError(
          `${d.title} is reported by ${supportedPeriods(d).join(
            ' or ',
          )}, not by ${kind}`,
        );
      }
    }
    const now = this.now();
    const periods = recentPeriods(kind, count, now);
    const last = periods[periods.length - 1];
    const needsRecords = definitions.some(
      d =>
        d.source.type === 'records' ||
        (d.source.type === 'derived' &&
          [d.source.numerator, d.source.denominator].some(
            id => this.options.definitions[id]?.source.type === 'records',
          )),
    );
    let inputs: PeriodInputs[] = [];
    let comparisonInputs: PeriodInputs | undefined;
    if (needsRecords) {
      [inputs, comparisonInputs] = await Promise.all([
        this.inputs.forPeriods(periods),
        this.inputs.comparison(last),
      ]);
    }
    const freshness = await this.options.store.latestRecordAt();
    const comparison = comparisonPeriod(last);
    const cache = new Map<string, KpiComputation[]>();
    const valuesOf = async (
      d: KpiDefinition,
      ps: Period[],
      ins: PeriodInputs[],
      key: string,
    ): Promise<KpiComputation[]> => {
      const cacheKey = `${d.id}|${key}`;
      const hit = cache.get(cacheKey);
      if (hit) return hit;
      let values: KpiComputation[];
      const source = d.source;
      switch (source.type) {
        case 'records':
          values = ins.map(i =>
            computeRecordFormula(source.formula, i, this.options.grossMargin),
          );
          break;
        case 'derived': {
          const a = this.options.definitions[source.numerator];
          const b = this.options.definitions[source.denominator];
          const [av, bv] = await Promise.all([
            valuesOf(a, ps, ins, key),
            valuesOf(b, ps, ins, key),
          ]);
          values = av.map((x, i) => {
            const result = ratio(
              x.value === null
                ? { value: null, reason: `${a.title}: ${x.reason}` }
                : { value: x.value },
              bv[i].value === null
                ? { value: null, reason: `${b.title}: ${bv[i].reason}` }
                : { value: bv[i].value as number },
            );
            return {
              value: result.value,
              ...(result.value === null ? { reason: result.reason } : {}),
              formula: `${a.id} ÷ ${b.id}`,
              inputs: { [a.id]: x.value, [b.id]: bv[i].value },
            };
          });
          break;
        }
        default: {
          const external = this.options.sources[source.type];
          if (!external) {
            values = ps.map(() => ({
              value: null,
              reason: `no ${source.type} source is configured (ibias.metrics.sources.${source.type})`,
              formula: source.query,
              inputs: {},
            }));
          } else {
            values = await this.withSnapshots(
              d,
              ps,
              await external.values(d, ps),
            );
          }
        }
      }
      cache.set(cacheKey, values);
      return values;
    };

    return Promise.all(
      definitions.map(async definition => {
        const values = await valuesOf(definition, periods, inputs, 'series');
        const [compared] = await valuesOf(
          definition,
          [comparison],
          comparisonInputs ? [comparisonInputs] : [],
          'comparison',
        );
        const points: KpiPoint[] = values.map((v, i) => ({
          ...v,
          period: periods[i],
          partialLabel: partialLabel(periods[i]),
        }));
        const current = points[points.length - 1];
        const asOf = this.asOf(definition, freshness);
        return {
          definition,
          points,
          comparison: compared
            ? {
                ...compared,
                period: comparison,
                partialLabel: partialLabel(comparison),
              }
            : undefined,
          change: relativeChange(current?.value, compared?.value),
          status: kpiStatus(definition, current?.value),
          asOf: asOf === undefined ? undefined : new Date(asOf).toISOString(),
          stale:
            asOf === undefined ||
            now.getTime() - asOf > parseDuration(definition.freshness),
        };
      }),
    );
  }

  /**
   * One period of a KPI with the records behind it: each customer's MRR and movement for
   * the MRR formulas (largest first, up to `limit`), the response buckets for NPS, the
   * probe counts for uptime.
   */
  async records(
    definition: KpiDefinition,
    kind: PeriodKind,
    start: string,
    limit = 1000,
  ) {
    const at = new Date(start);
    const now = this.now();
    const periodStartMs = periodStart(kind, at).getTime();
    if (periodStartMs !== at.getTime()) {
      throw new InputError(
        `request/query/start must be the start of a ${kind}, such as ${new Date(
          periodStartMs,
        ).toISOString()}`,
      );
    }
    let count = 1;
    while (addPeriods(kind, at, count) <= now) count++;
    if (at > now || count > 60) {
      throw new InputError(
        'request/query/start must be within the last 60 periods, not in the future',
      );
    }
    const [series] = await this.series([definition], kind, count);
    const point = series.points[0];
    const formula =
      definition.source.type === 'records'
        ? definition.source.formula
        : undefined;
    let columns: string[] = ['input', 'value'];
    let rows: Array<Array<string | number | null>> = Object.entries(
      point.inputs,
    ).map(([k, v]) => [k, v]);
    let truncated = false;
    if (formula && !['nps', 'uptime'].includes(formula)) {
      const found = point.period.asOf
        ? await this.options.store.mrrWindow({
            from: Date.parse(point.period.start),
            until: Date.parse(point.period.asOf) + 1,
          })
        : await this.options.store.mrrRows(kind, periodStartMs, limit + 1);
      const moved = found
        .filter(r => r.movement)
        .sort(
          (a, b) =>
            Math.abs(b.endMicros - b.startMicros) -
              Math.abs(a.endMicros - a.startMicros) ||
            a.customerId.localeCompare(b.customerId),
        );
      truncated = moved.length > limit;
      columns = ['customer', 'movement', 'startMrrMicros', 'endMrrMicros'];
      rows = moved
        .slice(0, limit)
        .map(r => [
          r.customerId,
          r.movement ?? null,
          r.startMicros,
          r.endMicros,
        ]);
    }
    return {
      kpi: definition.id,
      point,
      columns,
      rows,
      truncated,
    };
  }

  private asOf(d: KpiDefinition, f: Freshness): number | undefined {
    if (d.source.type === 'derived') {
      const parts = [d.source.numerator, d.source.denominator].map(id =>
        this.asOf(this.options.definitions[id], f),
      );
      return parts.some(p => p === undefined)
        ? undefined
        : Math.min(...(parts as number[]));
    }
    if (d.source.type !== 'records') return this.now().getTime();
    const times = FORMULA_RECORDS[d.source.formula].map(k => f[k]);
    if (times.some(t => t === undefined)) return undefined;
    return Math.min(...(times as number[]));
  }
}

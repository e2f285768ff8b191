import {
  supportedPeriods,
  type KpiDefinition,
  type PeriodKind,
} from '@internal/plugin-ibias-metrics-common';
import type { RecordStore } from '../database/RecordStore';
import type { KpiService } from './KpiService';

/** The kinds kept for a SQL or Prometheus KPI besides the month. */
const EXTERNAL_KINDS: PeriodKind[] = ['day', 'week', 'quarter'];

/**
 * What the snapshot task keeps: the current and the previous month of every KPI, and
 * for KPIs read from SQL or Prometheus (which may forget, or stop answering) the current
 * and previous day, week and quarter too. A value that came from a snapshot is not kept
 * again; a gap is kept only where nothing was (see KnexRecordStore.saveSnapshots).
 */
export async function snapshotRows(
  kpis: Pick<KpiService, 'series'>,
  definitions: Record<string, KpiDefinition>,
): Promise<Parameters<RecordStore['saveSnapshots']>[0]> {
  const all = Object.values(definitions);
  const external = all.filter(
    d => d.source.type === 'sql' || d.source.type === 'prometheus',
  );
  const series = [
    ...(await kpis.series(all, 'month', 2)),
    ...(
      await Promise.all(
        EXTERNAL_KINDS.map(kind => {
          const some = external.filter(d => supportedPeriods(d).includes(kind));
          return some.length ? kpis.series(some, kind, 2) : [];
        }),
      )
    ).flat(),
  ];
  return series.flatMap(s =>
    s.points
      .filter(p => !('snapshot' in p.inputs))
      .map(p => ({
        kpiId: s.definition.id,
        kind: p.period.kind,
        periodStart: Date.parse(p.period.start),
        value: p.value,
        reason: p.reason,
        partial: Boolean(p.period.asOf),
      })),
  );
}

import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  EXECUTIVE_KPIS,
  type KpiDefinition,
  type PeriodKind,
} from '@internal/plugin-ibias-metrics-common';
import type { RecordStore } from '../database/RecordStore';
import type { StoredAlert } from '../database/KnexAlertStore';
import type { KpiSeries, KpiService } from './KpiService';

export interface DeployMarker {
  at: string;
  label: string;
  entityRef?: string;
  deploymentId?: string;
}

/** Deployments from ibias-deployments: deploy markers and what preceded a breach. */
export interface DeploymentHistory {
  /** Production deployments since `from`, as the caller may see them. */
  recent(options: {
    entityRef?: string;
    from: string;
    limit: number;
    credentials: BackstageCredentials;
  }): Promise<DeployMarker[]>;
}

export interface Recommendation {
  id: string;
  title: string;
  severity: 'critical' | 'warning' | 'info';
  evidence: {
    rule: string;
    summary: string;
    values: Record<string, number | string | null>;
  };
  actions: Array<{ label: string; href: string }>;
}

/** The seed's four trends and the KPI each is drawn from. */
export const TRENDS = [
  { id: 'userGrowth', title: 'User growth', kpi: 'paying_customers' },
  { id: 'revenueGrowth', title: 'Revenue growth', kpi: 'mrr' },
  { id: 'performance', title: 'Performance (uptime)', kpi: 'uptime' },
  { id: 'satisfaction', title: 'Satisfaction (NPS)', kpi: 'nps' },
] as const;

/** Publishes an alert in the API's shape. */
export function publicAlert(a: StoredAlert, ruleName: string) {
  const iso = (t?: number) =>
    t === undefined ? undefined : new Date(t).toISOString();
  return {
    id: a.id,
    ruleId: a.ruleId,
    ruleName,
    subject: a.subject,
    status: a.status,
    severity: a.severity,
    owner: a.owner,
    summary: a.summary,
    lastValue: a.lastValue,
    pendingSince: iso(a.pendingSince) as string,
    firedAt: iso(a.firedAt),
    lastBreachAt: iso(a.lastBreachAt) as string,
    silencedUntil: iso(a.silencedUntil),
    resolvedAt: iso(a.resolvedAt),
    acknowledgedBy: a.acknowledgedBy,
    evidence: a.evidence,
  };
}

/**
 * Recommendations, each from evidence: a firing alert (with the deploy that preceded the
 * breach, when there is one) or a KPI past its warning threshold. None without evidence.
 */
export function recommend(
  alerts: Array<{
    alert: StoredAlert;
    ruleName: string;
    precededBy?: DeployMarker;
  }>,
  series: KpiSeries[],
): Recommendation[] {
  const out: Recommendation[] = [];
  for (const { alert, ruleName, precededBy } of alerts) {
    if (alert.status === 'pending' || alert.status === 'resolved') continue;
    const isKpi = alert.subject.startsWith('kpi:');
    const actions: Recommendation['actions'] = [];
    if (precededBy?.entityRef && precededBy.deploymentId) {
      actions.push({
        label: `Roll back ${precededBy.label}`,
        href: `/deployments?deployment=${encodeURIComponent(
          precededBy.deploymentId,
        )}`,
      });
    }
    actions.push(
      isKpi
        ? {
            label: 'Open the KPI',
            href: `/ibias-metrics?kpi=${encodeURIComponent(
              alert.subject.slice(4),
            )}`,
          }
        : {
            label: "Open the service's metrics",
            href: `/catalog/${alert.subject
              .replace(':', '/')
              .split('/')
              .map(encodeURIComponent)
              .join('/')}/metrics`,
          },
    );
    out.push({
      id: `alert:${alert.id}`,
      title: precededBy
        ? `${ruleName} on ${alert.subject} began after ${precededBy.label}`
        : `${ruleName} on ${alert.subject}`,
      severity: alert.severity,
      evidence: {
        rule: alert.ruleId,
        summary: alert.summary,
        values: {
          ...alert.evidence,
          value: alert.lastValue,
          since: new Date(alert.pendingSince).toISOString(),
          ...(precededBy ? { deployedAt: precededBy.at } : {}),
        },
      },
      actions,
    });
  }
  for (const s of series) {
    const current = s.points[s.points.length - 1];
    if (s.status !== 'warning' || current?.value === null || !current) {
      continue;
    }
    const t = s.definition.thresholds;
    out.push({
      id: `kpi:${s.definition.id}`,
      title: `${s.definition.title} is below its target band`,
      severity: 'info',
      evidence: {
        rule: `kpi:${s.definition.id}:warning`,
        summary: `${s.definition.title} is past its success threshold (${t?.success}) but not its error threshold (${t?.error})`,
        values: {
          value: current.value,
          success: t?.success ?? null,
          warning: t?.warning ?? null,
          ...current.inputs,
        },
      },
      actions: [
        {
          label: 'Open the derivation',
          href: `/ibias-metrics?kpi=${s.definition.id}`,
        },
      ],
    });
  }
  return out;
}

/** The executive dashboard: the seed's generateExecutiveDashboard, computed. */
export class DashboardService {
  constructor(
    private readonly options: {
      kpis: KpiService;
      store: RecordStore;
      alerts: {
        list(filter: { status: 'open'; limit: number }): Promise<StoredAlert[]>;
      };
      ruleName: (ruleId: string) => string;
      deployments: DeploymentHistory;
      now?: () => Date;
    },
  ) {}

  async dashboard(
    credentials: BackstageCredentials,
    kind: PeriodKind,
    count: number,
  ) {
    const { kpis } = this.options;
    const visible = await kpis.visibleDefinitions(credentials);
    const business = visible.some(d => d.financial);
    const byId = new Map(visible.map(d => [d.id, d]));
    const tileDefs = EXECUTIVE_KPIS.map(id => byId.get(id)).filter(
      (d): d is KpiDefinition => Boolean(d),
    );
    const trendDefs = TRENDS.map(t => byId.get(t.kpi)).filter(
      (d): d is KpiDefinition => Boolean(d),
    );
    const periodKind =
      kind === 'day' || kind === 'week' ? ('month' as const) : kind;
    const all = [
      ...new Map([...tileDefs, ...trendDefs].map(d => [d.id, d])).values(),
    ];
    const series = await kpis.series(all, periodKind, count);
    const seriesById = new Map(series.map(s => [s.definition.id, s]));
    const first = series[0]?.points[0]?.period.start;
    const [open, markers] = await Promise.all([
      this.options.alerts.list({ status: 'open', limit: 50 }),
      first
        ? this.options.deployments.recent({
            from: first,
            limit: 50,
            credentials,
          })
        : Promise.resolve([]),
    ]);
    // A financial KPI's alert carries its value: only for those who may see it.
    const alerts = open.filter(a => {
      if (!a.subject.startsWith('kpi:')) return true;
      return byId.has(a.subject.slice(4));
    });
    const withDeploys = alerts.map(alert => ({
      alert,
      ruleName: this.options.ruleName(alert.ruleId),
      precededBy: markers
        .filter(
          m =>
            m.entityRef === alert.subject &&
            Date.parse(m.at) <= alert.pendingSince,
        )
        .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0],
    }));
    const sample = (await this.options.store.getFact('records')) === 'sample';
    return {
      tiles: tileDefs.map(d => seriesById.get(d.id) as KpiSeries),
      trends: TRENDS.filter(t => byId.has(t.kpi)).map(t => {
        const s = seriesById.get(t.kpi) as KpiSeries;
        return {
          id: t.id,
          title: t.title,
          unit: s.definition.unit,
          kpi: t.kpi,
          points: s.points.map(p => ({ at: p.period.start, value: p.value })),
        };
      }),
      markers,
      alerts: withDeploys.map(a => publicAlert(a.alert, a.ruleName)),
      recommendations: recommend(withDeploys, series),
      sample,
      business,
      generatedAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
  }
}

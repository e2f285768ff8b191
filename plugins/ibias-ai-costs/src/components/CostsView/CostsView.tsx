import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  Column,
  Container,
  Flex,
  Grid,
  Row,
  Select,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  EmptyState,
  ErrorState,
  StackedBarChart,
  ToneTag,
  formatKpiValue,
  useUrlState,
  type Tone,
  type TrendPoint,
} from '@internal/ibias-react';
import {
  ibiasAiCostsApiRef,
  type BudgetStatus,
  type CostReport,
  type GroupBy,
  type Granularity,
} from '../../api';
import { CostsExport } from '../CostsExport';
import { TopMovers } from '../TopMovers';

const RANGES = {
  '24h': { label: 'Last 24 hours', ms: 86_400_000, granularity: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'day' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'day' },
  '90d': { label: 'Last 90 days', ms: 90 * 86_400_000, granularity: 'day' },
} as const satisfies Record<
  string,
  { label: string; ms: number; granularity: Granularity }
>;
type RangeKey = keyof typeof RANGES;

const GROUPS: Array<{ value: GroupBy; label: string }> = [
  { value: 'team', label: 'Team' },
  { value: 'entity', label: 'Service' },
  { value: 'provider', label: 'Provider' },
  { value: 'model', label: 'Model' },
];

/** The chart shows the largest groups; the rest add up as "other". */
const MAX_SERIES = 8;

/** The meter's fill in each tone (the theme's intents, so dark mode follows). */
const BAR_COLORS: Partial<Record<Tone, string>> = {
  success: 'var(--bui-fg-positive)',
  warning: 'var(--bui-fg-warning)',
  danger: 'var(--bui-fg-danger)',
};

const dollars = (micros: number) => formatKpiValue(micros, 'currency');

/** Per day or hour, one value per group (the largest), the rest as "other". */
function chartData(report: CostReport) {
  const top = report.totals.slice(0, MAX_SERIES).map(t => t.key);
  const shown = new Set(top);
  const byAt = new Map<string, Record<string, number>>();
  for (const r of report.rows) {
    const key = shown.has(r.key) ? r.key : 'other';
    const values = byAt.get(r.at) ?? {};
    values[key] = (values[key] ?? 0) + r.costMicros;
    byAt.set(r.at, values);
  }
  const data: TrendPoint[] = [...byAt.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([x, values]) => ({ x, values }));
  const labels = new Map(report.totals.map(t => [t.key, t.label]));
  const series = [
    ...top.map(key => ({ key, label: labels.get(key) ?? key })),
    ...(report.totals.length > MAX_SERIES
      ? [{ key: 'other', label: 'other' }]
      : []),
  ];
  return { data, series };
}

function Tile(props: { label: string; value: string; hint?: string }) {
  return (
    <Card>
      <CardBody>
        <Flex direction="column" gap="1">
          <Text variant="body-small" color="secondary">
            {props.label}
          </Text>
          <Text variant="title-small" weight="bold">
            {props.value}
          </Text>
          {props.hint && (
            <Text variant="body-x-small" color="secondary">
              {props.hint}
            </Text>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}

function BudgetCard(props: { status: BudgetStatus }) {
  const { status } = props;
  const { budget, forecast } = status;
  const budgetMicros = budget.amount * 1_000_000;
  let tone: Tone = 'success';
  if (status.reached.length > 0) tone = 'warning';
  if (status.percent >= 100) tone = 'danger';
  const width = `${Math.min(100, status.percent).toFixed(1)}%`;
  return (
    <Card data-testid={`budget-${budget.id}`}>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text variant="title-x-small" as="h3">
            {budget.id} · {budget.scope} {budget.target}
          </Text>
          <ToneTag tone={tone}>
            {status.percent.toFixed(0)} % of {dollars(budgetMicros)} this{' '}
            {budget.period}
          </ToneTag>
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          <div
            role="meter"
            aria-label={`${budget.id}: spent of budget`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(status.percent)}
            style={{
              height: 8,
              borderRadius: 4,
              background: 'var(--bui-bg-surface-2)',
              overflow: 'hidden',
            }}
          >
            <div
              style={{
                width,
                height: '100%',
                background: BAR_COLORS[tone],
              }}
            />
          </div>
          <Text variant="body-small">
            Spent {dollars(status.spentMicros)}
            {status.reached.length > 0 &&
              ` — past ${status.reached.join(', ')} %`}
          </Text>
          {forecast &&
            (forecast.available ? (
              <Text
                variant="body-small"
                color={forecast.exceedsBudget ? 'danger' : 'secondary'}
                data-testid="forecast"
              >
                Month-end forecast {dollars(forecast.forecastMicros)} (
                {dollars(forecast.lowMicros)}–{dollars(forecast.highMicros)})
                {forecast.exceedsBudget ? ': over budget' : ''}
              </Text>
            ) : (
              <Text
                variant="body-small"
                color="secondary"
                data-testid="forecast"
              >
                No forecast yet: {forecast.reason}
              </Text>
            ))}
        </Flex>
      </CardBody>
    </Card>
  );
}

/** The view both pages share: spend over a range, grouped, with the budgets in scope. */
export function CostsView(props: {
  entityRef?: string;
  defaultGroupBy: GroupBy;
  title: string;
}) {
  const api = useApi(ibiasAiCostsApiRef);
  const [state, setState] = useUrlState({
    range: '30d',
    by: props.defaultGroupBy,
  });
  const rangeKey: RangeKey =
    state.range && state.range in RANGES ? (state.range as RangeKey) : '30d';
  const groupBy: GroupBy = GROUPS.some(g => g.value === state.by)
    ? (state.by as GroupBy)
    : props.defaultGroupBy;
  const [report, setReport] = useState<CostReport>();
  const [budgets, setBudgets] = useState<BudgetStatus[]>();
  const [error, setError] = useState<Error>();

  const load = useCallback(() => {
    setError(undefined);
    setReport(undefined);
    const range = RANGES[rangeKey];
    const to = new Date();
    api
      .costs({
        from: new Date(to.getTime() - range.ms).toISOString(),
        to: to.toISOString(),
        groupBy,
        granularity: range.granularity,
        entityRef: props.entityRef,
      })
      .then(setReport, setError);
    api
      .budgets(props.entityRef ? { entityRef: props.entityRef } : {})
      .then(r => setBudgets(r.items), setError);
  }, [api, rangeKey, groupBy, props.entityRef]);
  useEffect(load, [load]);

  const chart = useMemo(
    () => (report ? chartData(report) : undefined),
    [report],
  );
  const total = report?.totals.reduce((s, t) => s + t.costMicros, 0) ?? 0;
  const calls = report?.totals.reduce((s, t) => s + t.calls, 0) ?? 0;
  const unpriced = report?.totals.reduce((s, t) => s + t.unpricedCalls, 0) ?? 0;
  const groupLabel = GROUPS.find(g => g.value === groupBy)?.label ?? groupBy;

  return (
    <Flex direction="column" gap="4" data-testid="ai-costs">
      <Flex justify="between" align="end" style={{ flexWrap: 'wrap' }}>
        <Text variant="title-small" as="h2">
          {props.title}
        </Text>
        <Flex gap="3">
          <div style={{ width: 170 }}>
            <Select
              label="Range"
              options={Object.entries(RANGES).map(([value, r]) => ({
                value,
                label: r.label,
              }))}
              selectedKey={rangeKey}
              onSelectionChange={k => setState({ range: String(k) })}
            />
          </div>
          <div style={{ width: 150 }}>
            <Select
              label="Group by"
              options={GROUPS}
              selectedKey={groupBy}
              onSelectionChange={k => setState({ by: String(k) })}
            />
          </div>
        </Flex>
      </Flex>
      {error && (
        <ErrorState
          title="AI costs could not be loaded"
          error={error}
          onRetry={load}
        />
      )}
      {!report && !error && <Skeleton style={{ height: 320 }} />}
      {report && (
        <>
          <Grid.Root columns={{ initial: '1', md: '4' }} gap="3">
            <Tile
              label="Spend"
              value={dollars(total)}
              hint={RANGES[rangeKey].label}
            />
            <Tile label="Calls" value={calls.toLocaleString('en-US')} />
            <Tile
              label="Unpriced calls"
              value={unpriced.toLocaleString('en-US')}
              hint={
                unpriced > 0
                  ? 'no price covers them: not counted as $0'
                  : 'every call priced'
              }
            />
            <Tile
              label="Cost per 1,000 calls"
              value={calls > 0 ? dollars((total / calls) * 1000) : '—'}
            />
          </Grid.Root>
          {report.hidden > 0 && (
            <Text variant="body-small" color="secondary" data-testid="hidden">
              {report.hidden} team{report.hidden > 1 ? 's' : ''} with spend in
              this range {report.hidden > 1 ? 'are' : 'is'} not shown: reading a
              team's spend needs ibias.aiCosts.read for it.
            </Text>
          )}
          {report.totals.length === 0 ? (
            <EmptyState
              title="No AI spend in this range"
              description={
                props.entityRef
                  ? 'This service reported no AI calls in this range. Services report them with @internal/ibias-ai-costs-client or OpenTelemetry GenAI spans.'
                  : 'No AI calls you may see were reported in this range.'
              }
            />
          ) : (
            <Card>
              <CardHeader>
                <Flex justify="between" align="center">
                  <Text variant="title-x-small" as="h3">
                    Spend by {groupLabel.toLowerCase()}
                  </Text>
                  <CostsExport
                    query={{
                      from: report.from,
                      to: report.to,
                      groupBy: report.groupBy,
                      granularity: report.granularity,
                      entityRef: props.entityRef,
                    }}
                  />
                </Flex>
              </CardHeader>
              <CardBody>
                <Flex direction="column" gap="4">
                  {chart && (
                    <StackedBarChart
                      title={`AI spend by ${groupLabel.toLowerCase()}`}
                      unit="currency"
                      granularity={
                        RANGES[rangeKey].granularity === 'hour'
                          ? 'minute'
                          : 'day'
                      }
                      height={260}
                      data={chart.data}
                      series={chart.series}
                      emptyMessage="No spend in this range"
                    />
                  )}
                  <TableRoot
                    aria-label={`Spend by ${groupLabel}`}
                    data-testid="totals"
                  >
                    <TableHeader>
                      <Column isRowHeader>{groupLabel}</Column>
                      <Column>Spend</Column>
                      <Column>Share</Column>
                      <Column>Calls</Column>
                      <Column>Unpriced</Column>
                    </TableHeader>
                    <TableBody>
                      {report.totals.map(t => (
                        <Row key={t.key} id={t.key} data-key={t.key}>
                          <Cell>
                            <span title={t.key}>{t.label}</span>
                          </Cell>
                          <Cell>{dollars(t.costMicros)}</Cell>
                          <Cell>{(t.share * 100).toFixed(1)} %</Cell>
                          <Cell>{t.calls.toLocaleString('en-US')}</Cell>
                          <Cell>{t.unpricedCalls.toLocaleString('en-US')}</Cell>
                        </Row>
                      ))}
                    </TableBody>
                  </TableRoot>
                </Flex>
              </CardBody>
            </Card>
          )}
        </>
      )}
      {!props.entityRef && report && report.totals.length > 0 && (
        <TopMovers
          rangeMs={RANGES[rangeKey].ms}
          label={RANGES[rangeKey].label}
        />
      )}
      {budgets && budgets.length > 0 && (
        <Flex direction="column" gap="3">
          <Text variant="title-x-small" as="h3">
            Budgets
          </Text>
          {budgets.map(b => (
            <BudgetCard key={b.budget.id} status={b} />
          ))}
        </Flex>
      )}
    </Flex>
  );
}

/** The portal-wide page. */
export function AiCostsOverview() {
  return (
    <Container py="4">
      <CostsView title="AI costs" defaultGroupBy="team" />
    </Container>
  );
}

/** The AI costs tab on a service's page. */
export function AiCostsContent() {
  const { entity } = useEntity();
  return (
    <CostsView
      title="AI costs"
      entityRef={stringifyEntityRef(entity)}
      defaultGroupBy="model"
    />
  );
}

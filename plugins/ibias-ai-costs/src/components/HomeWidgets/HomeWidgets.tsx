import { useEffect, useState } from 'react';
import { Flex, Link, Skeleton, Text } from '@backstage/ui';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  EmptyState,
  ErrorState,
  ToneTag,
  formatKpiValue,
  type Tone,
} from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type BudgetStatus } from '../../api';
import { rootRouteRef } from '../../routes';

/** The meter's fill in each tone (the theme's solid intents, so dark mode follows). */
const METER_COLORS: Record<Tone, string> = {
  success: 'var(--bui-positive-bg)',
  warning: 'var(--bui-warning-bg)',
  danger: 'var(--bui-negative-bg)',
  info: 'var(--bui-positive-bg)',
  neutral: 'var(--bui-positive-bg)',
};

const dollars = (micros: number) => formatKpiValue(micros, 'currency');
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** A budget's target as a full group ref (config may say just `ai-team`). */
function teamRefOf(target: string): string {
  if (target.includes(':')) return lower(target);
  return lower(`group:default/${target}`);
}

export interface TeamSpend {
  team: string;
  label: string;
  spentMicros: number;
  /** The month budgets of the team, summed; undefined without one. */
  budgetMicros?: number;
  forecastMicros?: number;
}

/**
 * Each of my teams with spend or a month budget: this month's spend (from the costs by
 * team, which only hold what the reader may see) against its month budgets.
 */
export function teamSpends(
  myTeams: string[],
  totals: Array<{ key: string; label: string; costMicros: number }>,
  budgets: BudgetStatus[],
): TeamSpend[] {
  const mine = new Set(myTeams.map(lower));
  const out = new Map<string, TeamSpend>();
  for (const t of totals) {
    if (!mine.has(lower(t.key))) continue;
    out.set(lower(t.key), {
      team: lower(t.key),
      label: t.label,
      spentMicros: t.costMicros,
    });
  }
  for (const b of budgets) {
    if (b.budget.scope !== 'team' || b.budget.period !== 'month') continue;
    const team = teamRefOf(b.budget.target);
    if (!mine.has(team)) continue;
    const entry = out.get(team) ?? {
      team,
      label: team.split('/').pop() ?? team,
      spentMicros: b.spentMicros,
    };
    entry.budgetMicros = (entry.budgetMicros ?? 0) + b.budget.amount * 1e6;
    if (b.forecast?.available) {
      entry.forecastMicros = Math.max(
        entry.forecastMicros ?? 0,
        b.forecast.forecastMicros,
      );
    }
    out.set(team, entry);
  }
  return [...out.values()].sort(
    (a, b) => b.spentMicros - a.spentMicros || a.label.localeCompare(b.label),
  );
}

function TeamRow(props: { spend: TeamSpend }) {
  const { spend } = props;
  const percent =
    spend.budgetMicros !== undefined
      ? (spend.spentMicros / spend.budgetMicros) * 100
      : undefined;
  let tone: Tone = 'success';
  if (percent !== undefined && percent >= 80) tone = 'warning';
  if (percent !== undefined && percent >= 100) tone = 'danger';
  return (
    <Flex direction="column" gap="1" data-testid={`team-${spend.label}`}>
      <Flex justify="between" align="center">
        <Text weight="bold">{spend.label}</Text>
        {percent === undefined ? (
          <ToneTag tone="neutral">no budget</ToneTag>
        ) : (
          <ToneTag tone={tone}>
            {percent.toFixed(0)} % of {dollars(spend.budgetMicros ?? 0)}
          </ToneTag>
        )}
      </Flex>
      {percent !== undefined && (
        <div
          role="meter"
          aria-label={`${spend.label}: spent of this month's budget`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(percent)}
          style={{
            height: 6,
            borderRadius: 3,
            background: 'var(--bui-bg-surface-2)',
            overflow: 'hidden',
          }}
        >
          <div
            style={{
              width: `${Math.min(100, percent).toFixed(1)}%`,
              height: '100%',
              background: METER_COLORS[tone],
            }}
          />
        </div>
      )}
      <Text variant="body-small" color="secondary">
        Spent {dollars(spend.spentMicros)} this month
        {spend.forecastMicros !== undefined &&
          ` · month-end forecast ${dollars(spend.forecastMicros)}`}
      </Text>
    </Flex>
  );
}

/** Home: my teams' AI spend this month against their budgets. */
export function HomeTeamsAiSpend() {
  const api = useApi(ibiasAiCostsApiRef);
  const identityApi = useApi(identityApiRef);
  // Wherever the app mounts the page; no link when it does not.
  const aiCostsPage = useRouteRef(rootRouteRef);
  const [spends, setSpends] = useState<TeamSpend[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    const now = new Date();
    const monthStart = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1),
    );
    Promise.all([
      identityApi.getBackstageIdentity(),
      api.costs({
        from: monthStart.toISOString(),
        to: now.toISOString(),
        groupBy: 'team',
        granularity: 'day',
      }),
      api.budgets(),
    ])
      .then(([identity, report, budgets]) => {
        const teams = identity.ownershipEntityRefs.filter(r =>
          lower(r).startsWith('group:'),
        );
        setSpends(teamSpends(teams, report.totals, budgets.items));
      })
      .catch(setError);
  }, [api, identityApi]);

  if (error) {
    return <ErrorState title="AI spend could not be loaded" error={error} />;
  }
  return (
    <Flex direction="column" gap="3" data-testid="home-ai-spend">
      {!spends && (
        <>
          <Skeleton style={{ height: 40 }} />
          <Skeleton style={{ height: 40 }} />
        </>
      )}
      {spends && spends.length === 0 && (
        <EmptyState
          title="No AI spend for your teams this month"
          description="Your teams' AI spend and budgets appear here once their services report AI calls."
        />
      )}
      {spends?.map(s => (
        <TeamRow key={s.team} spend={s} />
      ))}
      {aiCostsPage && <Link href={aiCostsPage()}>All AI costs</Link>}
    </Flex>
  );
}

import { useCallback, useEffect, useState } from 'react';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  Column,
  Row,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EmptyState,
  ErrorState,
  ToneTag,
  formatKpiValue,
} from '@internal/ibias-react';
import { ibiasAiCostsApiRef, type CostReport } from '../../api';

const dollars = (micros: number) => formatKpiValue(micros, 'currency');

export interface Mover {
  key: string;
  label: string;
  nowMicros: number;
  beforeMicros: number;
  deltaMicros: number;
}

/**
 * The services whose spend changed most between two equal ranges (by absolute change,
 * up or down), from the rollups of each.
 */
export function topMovers(
  now: Pick<CostReport, 'totals'>,
  before: Pick<CostReport, 'totals'>,
  limit = 5,
): Mover[] {
  const rows = new Map<string, Mover>();
  const row = (key: string, label: string) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, label, nowMicros: 0, beforeMicros: 0, deltaMicros: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const t of now.totals) row(t.key, t.label).nowMicros += t.costMicros;
  for (const t of before.totals)
    row(t.key, t.label).beforeMicros += t.costMicros;
  return [...rows.values()]
    .map(r => ({ ...r, deltaMicros: r.nowMicros - r.beforeMicros }))
    .filter(r => r.deltaMicros !== 0)
    .sort(
      (a, b) =>
        Math.abs(b.deltaMicros) - Math.abs(a.deltaMicros) ||
        a.key.localeCompare(b.key),
    )
    .slice(0, limit);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The two ranges compared, on whole rollup buckets (hours up to a day, else days), so no
 * bucket counts in both: the last `n` buckets up to now (the current one in progress),
 * and the `n` before them.
 */
export function moverRanges(rangeMs: number, now: number) {
  const granularity = rangeMs <= DAY ? ('hour' as const) : ('day' as const);
  const bucket = granularity === 'hour' ? HOUR : DAY;
  const n = Math.max(1, Math.round(rangeMs / bucket));
  const start = Math.floor(now / bucket) * bucket - (n - 1) * bucket;
  const iso = (t: number) => new Date(t).toISOString();
  return [
    { from: iso(start), to: iso(now), granularity },
    { from: iso(start - n * bucket), to: iso(start), granularity },
  ] as const;
}

function change(m: Mover) {
  const sign = m.deltaMicros > 0 ? '+' : '−';
  const amount = `${sign}${dollars(Math.abs(m.deltaMicros))}`;
  if (m.beforeMicros === 0) return `${amount} (new)`;
  const pct = (m.deltaMicros / m.beforeMicros) * 100;
  return `${amount} (${sign}${Math.abs(pct).toFixed(0)} %)`;
}

/** The portal-wide page's "top movers": services by change against the range before. */
export function TopMovers(props: { rangeMs: number; label: string }) {
  const api = useApi(ibiasAiCostsApiRef);
  const [movers, setMovers] = useState<Mover[]>();
  const [error, setError] = useState<Error>();
  const load = useCallback(() => {
    setError(undefined);
    setMovers(undefined);
    const [current, previous] = moverRanges(props.rangeMs, Date.now());
    Promise.all([
      api.costs({ ...current, groupBy: 'entity' }),
      api.costs({ ...previous, groupBy: 'entity' }),
    ]).then(([a, b]) => setMovers(topMovers(a, b)), setError);
  }, [api, props.rangeMs]);
  useEffect(load, [load]);

  return (
    <Card data-testid="top-movers">
      <CardHeader>
        <Text variant="title-x-small" as="h3">
          Top movers
        </Text>
        <Text variant="body-small" color="secondary">
          Services whose spend changed most: {props.label.toLowerCase()} against
          the same length before
        </Text>
      </CardHeader>
      <CardBody>
        {error && (
          <ErrorState
            title="Top movers could not be loaded"
            error={error}
            onRetry={load}
          />
        )}
        {!movers && !error && <Skeleton style={{ height: 120 }} />}
        {movers && movers.length === 0 && (
          <EmptyState
            title="No change"
            description="No service's spend changed between the two ranges."
          />
        )}
        {movers && movers.length > 0 && (
          <TableRoot aria-label="Top movers">
            <TableHeader>
              <Column isRowHeader>Service</Column>
              <Column>Now</Column>
              <Column>Before</Column>
              <Column>Change</Column>
            </TableHeader>
            <TableBody>
              {movers.map(m => (
                <Row key={m.key} id={m.key} data-key={m.key}>
                  <Cell>
                    <span title={m.key}>{m.label}</span>
                  </Cell>
                  <Cell>{dollars(m.nowMicros)}</Cell>
                  <Cell>{dollars(m.beforeMicros)}</Cell>
                  <Cell>
                    <ToneTag tone={m.deltaMicros > 0 ? 'warning' : 'success'}>
                      {change(m)}
                    </ToneTag>
                  </Cell>
                </Row>
              ))}
            </TableBody>
          </TableRoot>
        )}
      </CardBody>
    </Card>
  );
}

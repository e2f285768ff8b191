import { fireEvent, render, screen, within } from '@testing-library/react';
import { KpiTile, KpiTileSkeleton, type KpiTileProps } from './KpiTile';

const now = new Date('2026-12-06T16:00:00Z');
const mrr: KpiTileProps = {
  title: 'MRR',
  value: 1_234_567_000_000,
  unit: 'currency',
  direction: 'up',
  previous: 1_100_000_000_000,
  comparisonLabel: 'vs first 6 days of Nov',
  status: 'success',
  asOf: '2026-12-06T15:00:00Z',
  freshnessMs: 172_800_000,
  now,
  partialLabel: 'MTD',
  target: 1_500_000_000_000,
  trend: [1_000_000_000_000, null, 1_234_567_000_000],
  trendLabel: 'last 3 months',
};

describe('KpiTile', () => {
  it('shows the value, change, target, period, time and trend', () => {
    render(<KpiTile {...mrr} data-testid="tile" />);
    const tile = screen.getByTestId('tile');
    expect(
      within(tile).getByRole('heading', { name: 'MRR' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('kpi-value')).toHaveTextContent('$1.2M');
    expect(screen.getByTestId('kpi-change')).toHaveTextContent(
      '+12.2 %vs first 6 days of Nov',
    );
    expect(screen.getByTestId('kpi-change')).toHaveAttribute(
      'data-good',
      'true',
    );
    expect(screen.getByTestId('kpi-target')).toHaveTextContent('Target $1.5M');
    expect(screen.getByTestId('kpi-partial')).toHaveTextContent('MTD');
    expect(screen.getByTestId('kpi-as-of')).toHaveTextContent(
      'as of 6 Dec 2026, 15:00 UTC',
    );
    expect(
      screen.getByRole('img', {
        name: 'MRR, last 3 months: from $1M to $1.2M, with gaps',
      }),
    ).toBeInTheDocument();
    expect(tile).toHaveAttribute('data-status', 'success');
    expect(screen.queryByTestId('kpi-stale')).toBeNull();
    // "on track" is the edge's colour and the label; only risks get a visible tag.
    expect(screen.queryByTestId('kpi-status')).toBeNull();
  });

  it('colours a rise as bad news when lower is better', () => {
    render(
      <KpiTile
        title="Monthly churn"
        value={0.031}
        previous={0.02}
        unit="percent"
        direction="down"
        status="error"
      />,
    );
    const change = screen.getByTestId('kpi-change');
    expect(change).toHaveTextContent('+1.1 pp');
    expect(change).toHaveAttribute('data-good', 'false');
    expect(screen.getByTestId('kpi-status')).toHaveTextContent('off track');
  });

  it('says "no data" and why, never 0, and shows no change', () => {
    render(
      <KpiTile
        title="Customer churn"
        value={null}
        reason="no customers at the start"
        previous={0.02}
        unit="percent"
        direction="down"
      />,
    );
    expect(screen.getByTestId('kpi-value')).toHaveTextContent(/^no data$/);
    expect(screen.getByTestId('kpi-reason')).toHaveTextContent(
      'no customers at the start',
    );
    expect(screen.queryByTestId('kpi-change')).toBeNull();
    expect(document.body).not.toHaveTextContent(/0\.0 %|\$0/);
  });

  it('says "n/a" for a value the formula does not define', () => {
    render(
      <KpiTile
        title="LTV"
        value={null}
        reason="n/a: no customer churned, so the lifetime is unbounded"
        unit="currency"
        direction="up"
      />,
    );
    expect(screen.getByTestId('kpi-value')).toHaveTextContent(/^n\/a$/);
    expect(screen.getByTestId('kpi-reason')).toHaveTextContent(
      /^no customer churned, so the lifetime is unbounded$/,
    );
  });

  it('says "stale" once the value is older than its freshness', () => {
    render(<KpiTile {...mrr} asOf="2026-12-04T15:59:00Z" data-testid="tile" />);
    const stale = screen.getByTestId('kpi-stale');
    expect(stale).toHaveTextContent('stale');
    expect(stale).toHaveAttribute('title', 'Older than 2 d');
    expect(screen.getByTestId('tile')).toHaveAttribute('data-stale', 'true');
  });

  it('is a button that opens the derivation', () => {
    const onOpen = jest.fn();
    render(<KpiTile {...mrr} status="warning" onOpen={onOpen} />);
    const button = screen.getByRole('button', {
      name: 'MRR: $1.2M, at risk. How it is derived',
    });
    fireEvent.click(button);
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('is a link when the derivation is a page', () => {
    render(<KpiTile {...mrr} href="/metrics/kpis/mrr" />);
    expect(
      screen.getByRole('link', {
        name: 'MRR: $1.2M, on track. How it is derived',
      }),
    ).toHaveAttribute('href', '/metrics/kpis/mrr');
  });

  it('is neither without onOpen and href', () => {
    render(<KpiTile {...mrr} />);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('link')).toBeNull();
  });
});

describe('KpiTileSkeleton', () => {
  it('marks itself busy', () => {
    render(<KpiTileSkeleton />);
    expect(screen.getByLabelText('Loading KPI')).toHaveAttribute(
      'aria-busy',
      'true',
    );
  });
});

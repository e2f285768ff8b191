import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import {
  ibiasMetricsApiRef,
  type GoldenSignals,
  type IbiasMetricsApi,
} from '../../api';
import { MetricsContent } from './MetricsContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ibias-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'web-team' },
};

const value = (v: number | null, extra = {}) => ({ value: v, ...extra });
const points = (...vs: Array<number | null>) =>
  vs.map((v, i) => ({
    at: new Date(Date.UTC(2026, 11, 6, 12, i)).toISOString(),
    value: v,
  }));

const signals: GoldenSignals = {
  configured: true,
  source: 'prometheus',
  entityRef: 'component:default/ibias-api',
  service: 'ibias-api',
  range: '1h',
  start: '2026-12-06T11:00:00.000Z',
  end: '2026-12-06T12:00:00.000Z',
  stepSeconds: 60,
  windowSeconds: 120,
  series: [
    {
      environment: 'staging',
      version: '1.1.0',
      requestRate: points(1, 2),
      errorRate: points(0.05, 0.05),
      latency: {
        p50: points(0.04, 0.04),
        p95: points(0.375, 0.375),
        p99: points(10, 10),
      },
      largestBucketSeconds: 10,
      summary: {
        requests: 104,
        errorRate: value(0.05),
        p50: value(0.039),
        p95: value(0.375),
        p99: value(10, { topBucket: true }),
      },
      ai: null,
    },
    {
      environment: 'production',
      version: '1.0.0',
      requestRate: points(0, 0),
      errorRate: points(null, null),
      latency: { p50: points(null), p95: points(null), p99: points(null) },
      largestBucketSeconds: 10,
      summary: {
        requests: 0,
        errorRate: value(null, { reason: 'no traffic' }),
        p50: value(null, { reason: 'no traffic' }),
        p95: value(null, { reason: 'no traffic' }),
        p99: value(null, { reason: 'no traffic' }),
      },
      ai: null,
    },
  ],
  markers: [],
  queries: {},
};

async function render(api: Partial<IbiasMetricsApi>) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <MetricsContent />
    </EntityProvider>,
    { apis: [[ibiasMetricsApiRef, api]] },
  );
}

describe('MetricsContent', () => {
  it("shows each environment and version's p95, a lower bound past the largest bucket, and 'no traffic' rather than 0 %", async () => {
    const goldenSignals = jest.fn().mockResolvedValue(signals);
    await render({ goldenSignals });
    const staging = await screen.findByTestId('signals-staging-1.1.0');
    expect(staging).toHaveTextContent('375 ms');
    expect(staging).toHaveTextContent('≥ 10000 ms');
    expect(staging).toHaveTextContent('Latency past the largest bucket');
    expect(staging).toHaveTextContent('5.00 %');
    const production = screen.getByTestId('signals-production-1.0.0');
    expect(production).toHaveTextContent('no traffic');
    expect(production).not.toHaveTextContent('0.00 %');
    expect(goldenSignals).toHaveBeenCalledWith(
      'component:default/ibias-api',
      '1h',
    );
  });

  it('says what to install or configure without Prometheus', async () => {
    await render({
      goldenSignals: jest.fn().mockResolvedValue({
        configured: false,
        help: 'Install Prometheus (apt-get install prometheus) or set ibias.metrics.prometheus.url',
      }),
    });
    expect(
      await screen.findByText('No Prometheus is configured'),
    ).toBeInTheDocument();
    expect(screen.getByText(/apt-get install prometheus/)).toBeInTheDocument();
  });

  it('shows the local router records, labelled, when there is no Prometheus', async () => {
    await render({
      goldenSignals: jest.fn().mockResolvedValue({
        configured: false,
        help: 'Install Prometheus (apt-get install prometheus)',
        fallback: {
          ...signals,
          source: 'traffic-router',
          sourceNote:
            "Prometheus is not configured, so these figures come from the records of the local deploy target's traffic router",
          series: [signals.series[0]],
        },
      }),
    });
    expect(
      await screen.findByText("From the local traffic router's records"),
    ).toBeInTheDocument();
    expect(screen.getByTestId('signals-source')).toHaveTextContent(
      /apt-get install prometheus/,
    );
    expect(screen.getByTestId('signals-staging-1.1.0')).toBeInTheDocument();
    expect(
      screen.queryByText('No Prometheus is configured'),
    ).not.toBeInTheDocument();
  });
});

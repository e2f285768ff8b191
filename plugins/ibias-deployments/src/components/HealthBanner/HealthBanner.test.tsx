import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { PluginHealth } from '../../api';
import { ibiasDeploymentsApiRef } from '../../api';
import { describeHealth, HealthBanner } from './HealthBanner';

const engine = { runningHere: 0, lastSweepAt: null, abandonedAtLastSweep: 0 };
const ok: PluginHealth = {
  status: 'ok',
  checkedAt: '2026-12-06T16:00:00.000Z',
  checks: [{ name: 'database', status: 'ok', latencyMs: 2 }],
  engine,
};
const down: PluginHealth = {
  ...ok,
  status: 'down',
  checks: [{ name: 'database', status: 'down', detail: 'unreachable' }],
};
const degraded: PluginHealth = {
  ...ok,
  status: 'degraded',
  checks: [
    { name: 'database', status: 'ok', latencyMs: 2 },
    { name: 'local/prometheus', status: 'down', detail: 'timed out after 2 s' },
  ],
};

describe('describeHealth', () => {
  it.each([
    [ok, undefined],
    [
      down,
      'the deployments database: unreachable. Deploys in flight wait for it, then go on or roll back; new ones fail until it is back.',
    ],
    [
      degraded,
      'local → prometheus: timed out after 2 s. Deploys run; an analysis that needs it is inconclusive and never promotes.',
    ],
  ])('%#', (health, text) => {
    expect(describeHealth(health)).toBe(text);
  });
});

describe('HealthBanner', () => {
  const render = (health: () => Promise<PluginHealth>) =>
    renderInTestApp(
      <div data-testid="page">
        <HealthBanner />
      </div>,
      { apis: [[ibiasDeploymentsApiRef, { health }]] },
    );

  it('says nothing when all is well', async () => {
    await render(async () => ok);
    expect(await screen.findByTestId('page')).toBeInTheDocument();
    expect(screen.queryByTestId('deployments-health')).toBeNull();
  });

  it('says the database is down, and what that means for deploys', async () => {
    await render(async () => down);
    const banner = await screen.findByTestId('deployments-health');
    expect(banner).toHaveTextContent(
      'Deployments are waiting for their database',
    );
    expect(banner).toHaveTextContent('the deployments database: unreachable');
  });

  it('says nothing when the health check itself cannot be reached', async () => {
    await render(async () => {
      throw new Error('Failed to fetch');
    });
    expect(await screen.findByTestId('page')).toBeInTheDocument();
    expect(screen.queryByTestId('deployments-health')).toBeNull();
  });
});

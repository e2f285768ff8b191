import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { Alert } from '@backstage/ui';
import { ibiasDeploymentsApiRef, type PluginHealth } from '../../api';

/** How often the banner asks again (and so how soon it goes away after a recovery). */
export const HEALTH_POLL_MS = 30_000;

/** What a person needs to know about a check that is not ok. */
export function describeHealth(health: PluginHealth): string | undefined {
  const failing = health.checks.filter(c => c.status !== 'ok');
  if (health.status === 'ok' || failing.length === 0) return undefined;
  const parts = failing.map(c => {
    const what =
      c.name === 'database'
        ? 'the deployments database'
        : c.name.replace('/', ' → ');
    return `${what}: ${c.detail ?? c.status}`;
  });
  return health.status === 'down'
    ? `${parts.join(
        '; ',
      )}. Deploys in flight wait for it, then go on or roll back; new ones fail until it is back.`
    : `${parts.join(
        '; ',
      )}. Deploys run; an analysis that needs it is inconclusive and never promotes.`;
}

/**
 * Says, above the deployments views, when the backend's database or a target's
 * dependency is not answering (GET /health). Nothing when all is well, and nothing when
 * the health check itself cannot be reached (the views say that already).
 */
export function HealthBanner() {
  const api = useApi(ibiasDeploymentsApiRef);
  const [health, setHealth] = useState<PluginHealth>();
  useEffect(() => {
    let live = true;
    const load = () =>
      Promise.resolve()
        .then(() => api.health())
        .then(h => live && setHealth(h))
        .catch(() => live && setHealth(undefined));
    load();
    const timer = setInterval(load, HEALTH_POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);
  const description = health && describeHealth(health);
  if (!health || !description) return null;
  return (
    <Alert
      status={health.status === 'down' ? 'danger' : 'warning'}
      icon
      role="status"
      data-testid="deployments-health"
      title={
        health.status === 'down'
          ? 'Deployments are waiting for their database'
          : 'Deployments are degraded'
      }
      description={description}
    />
  );
}

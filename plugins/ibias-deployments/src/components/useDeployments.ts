import { useCallback, useEffect, useRef, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  isTerminal,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef, type EnvironmentView } from '../api';
import { HISTORY_PERIODS, type HistoryFilter } from './HistoryTable';

/** Polling while something is in flight: fast without signals, a safety net with them. */
const POLL_MS = 1500;
const POLL_WITH_SIGNALS_MS = 10_000;

/**
 * Environments, history and the selected deployment of one service (or all), refreshed
 * while something is in flight.
 */
export function useDeployments(entityRef?: string) {
  const api = useApi(ibiasDeploymentsApiRef);
  const [environments, setEnvironments] = useState<EnvironmentView[]>();
  const [history, setHistory] = useState<Deployment[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [filter, setFilter] = useState<HistoryFilter>({});
  const [selected, setSelected] = useState<Deployment>();
  const [error, setError] = useState<Error>();
  const [limit, setLimit] = useState(20);
  const selectedId = useRef<string>();
  selectedId.current = selected?.id;

  const refresh = useCallback(async () => {
    try {
      const [envs, page] = await Promise.all([
        api.environments(entityRef),
        api.list({
          entityRef: entityRef ?? filter.service,
          environment: filter.environment,
          status: filter.status ? [filter.status] : undefined,
          actor: filter.actor,
          from: filter.period
            ? new Date(
                Date.now() - HISTORY_PERIODS[filter.period].ms,
              ).toISOString()
            : undefined,
          limit,
        }),
      ]);
      setEnvironments(envs);
      setHistory(page.items);
      setNextCursor(page.nextCursor);
      if (selectedId.current) {
        setSelected(await api.get(selectedId.current));
      }
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, entityRef, filter, limit]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  // Live progress: the backend signals every change on this channel.
  const { lastSignal, isSignalsAvailable } = useSignal<{
    entityRef: string;
  }>('ibias-deployments');
  useEffect(() => {
    if (lastSignal && (!entityRef || lastSignal.entityRef === entityRef)) {
      refresh();
    }
  }, [lastSignal, entityRef, refresh]);

  const busy =
    history?.some(d => !isTerminal(d.status)) ||
    (selected && !isTerminal(selected.status));
  // Bringing a service back after a restart changes nothing persisted: no signal comes.
  const starting = environments?.some(e => e.health === 'starting');
  useEffect(() => {
    if (!busy && !starting) return undefined;
    const timer = setInterval(
      refresh,
      isSignalsAvailable && !starting ? POLL_WITH_SIGNALS_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [busy, starting, refresh, isSignalsAvailable]);

  return {
    api,
    environments,
    history,
    hasMore: nextCursor !== null,
    more: () => setLimit(l => l + 20),
    filter,
    setFilter,
    selected,
    select: (d: Deployment | undefined) => setSelected(d),
    error,
    refresh,
    loading: environments === undefined || history === undefined,
  };
}

/** The signed-in user's entity ref (undefined until the identity answers). */
export function useSignedInUser(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const [me, setMe] = useState<string>();
  useEffect(() => {
    identityApi.getBackstageIdentity().then(i => setMe(i.userEntityRef));
  }, [identityApi]);
  return me;
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  DEPLOYMENT_STATUSES,
  DEPLOYMENTS_SIGNAL_CHANNEL,
  isTerminal,
  type DeploymentsSignal,
  type Deployment,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import {
  ibiasDeploymentsApiRef,
  type DeploymentQuery,
  type EnvironmentView,
} from '../api';
import { HISTORY_PERIODS, type HistoryFilter } from './HistoryTable/filters';

/** Polling while something is in flight: fast without signals, a safety net with them. */
const POLL_MS = 1500;
const POLL_WITH_SIGNALS_MS = 10_000;
/** A page of history (the router accepts at most 200). */
export const HISTORY_PAGE_SIZE = 20;
const IN_FLIGHT_STATUSES = DEPLOYMENT_STATUSES.filter(s => !isTerminal(s));

/** The newest in-flight deployment of each environment of one service. */
export type InFlight = Partial<Record<EnvironmentName, Deployment>>;

function historyQuery(
  entityRef: string | undefined,
  filter: HistoryFilter,
): DeploymentQuery {
  return {
    entityRef: entityRef ?? filter.service,
    environment: filter.environment,
    status: filter.status ? [filter.status] : undefined,
    actor: filter.actor,
    from: filter.period
      ? new Date(Date.now() - HISTORY_PERIODS[filter.period].ms).toISOString()
      : undefined,
    limit: HISTORY_PAGE_SIZE,
  };
}

/**
 * Environments, history and the selected deployment of one service (or all), refreshed
 * while something is in flight. What is in flight comes from its own, unfiltered query:
 * the history's filters never hide a running deployment from its environment.
 */
export function useDeployments(entityRef?: string) {
  const api = useApi(ibiasDeploymentsApiRef);
  const [environments, setEnvironments] = useState<EnvironmentView[]>();
  const [inFlightItems, setInFlightItems] = useState<Deployment[]>();
  const [firstPage, setFirstPage] = useState<{
    items: Deployment[];
    nextCursor: string | null;
  }>();
  // Older pages, appended by "Older deployments"; the first page refreshes on its own.
  const [older, setOlder] = useState<{
    items: Deployment[];
    nextCursor: string | null;
  }>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [filter, setFilterState] = useState<HistoryFilter>({});
  const [selected, setSelected] = useState<Deployment>();
  const [error, setError] = useState<Error>();
  const selectedId = useRef<string>();
  selectedId.current = selected?.id;

  const refresh = useCallback(async () => {
    try {
      const [envs, running, page] = await Promise.all([
        api.environments(entityRef),
        api.list({ entityRef, status: IN_FLIGHT_STATUSES, limit: 200 }),
        api.list(historyQuery(entityRef, filter)),
      ]);
      setEnvironments(envs);
      setInFlightItems(running.items);
      setFirstPage(page);
      if (selectedId.current) {
        setSelected(await api.get(selectedId.current));
      }
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, entityRef, filter]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  const setFilter = (next: HistoryFilter) => {
    setOlder(undefined);
    setFilterState(next);
  };

  const nextCursor = older ? older.nextCursor : firstPage?.nextCursor ?? null;
  const more = async () => {
    if (!nextCursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await api.list({
        ...historyQuery(entityRef, filter),
        cursor: nextCursor,
      });
      setOlder(o => ({
        items: [...(o?.items ?? []), ...page.items],
        nextCursor: page.nextCursor,
      }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  let history: Deployment[] | undefined;
  if (firstPage) {
    const seen = new Set(firstPage.items.map(d => d.id));
    history = [
      ...firstPage.items,
      ...(older?.items ?? []).filter(d => !seen.has(d.id)),
    ];
  }

  // Newest first: the first one met per environment is the newest.
  const inFlight: InFlight = {};
  if (entityRef) {
    for (const d of inFlightItems ?? []) {
      inFlight[d.environment] ??= d;
    }
  }

  // Live progress: the backend signals every change on this channel.
  const { lastSignal, isSignalsAvailable } = useSignal<DeploymentsSignal>(
    DEPLOYMENTS_SIGNAL_CHANNEL,
  );
  useEffect(() => {
    if (lastSignal && (!entityRef || lastSignal.entityRef === entityRef)) {
      refresh();
    }
  }, [lastSignal, entityRef, refresh]);

  const busy =
    Boolean(inFlightItems?.length) ||
    (selected !== undefined && !isTerminal(selected.status));
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
    inFlight,
    history,
    hasMore: nextCursor !== null,
    loadingMore,
    more,
    filter,
    setFilter,
    selected,
    select: (d: Deployment | undefined) => setSelected(d),
    error,
    refresh,
    loading:
      environments === undefined ||
      history === undefined ||
      inFlightItems === undefined,
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

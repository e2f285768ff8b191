import { useCallback, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  DEFAULT_TIME_RANGE,
  toTimeRange,
  type TimeRange,
} from '../components/TimeRangePicker/timeRanges';

/** The state a page keeps in its URL: a value per key, `undefined` when unset. */
export type UrlState<K extends string> = Record<K, string | undefined>;

/** The keys of a record typed as its keys (Object.keys says `string[]`). */
function keysOf<K extends string>(record: Partial<Record<K, unknown>>): K[] {
  return Object.keys(record) as K[];
}

/** The state in `params`, each key falling back to its default. */
export function readUrlState<K extends string>(
  params: URLSearchParams,
  defaults: UrlState<K>,
): UrlState<K> {
  const state = { ...defaults };
  for (const key of keysOf(defaults)) {
    const value = params.get(key);
    if (value !== null) state[key] = value;
  }
  return state;
}

/**
 * `params` with `patch` applied. A key set to its default or to `undefined` is removed,
 * so a link holds only what differs from the page's defaults; keys the page does not own
 * are kept.
 */
export function patchSearchParams<K extends string>(
  params: URLSearchParams,
  patch: Partial<UrlState<K>>,
  defaults: UrlState<K>,
): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of keysOf(patch)) {
    const value = patch[key];
    if (value === undefined || value === defaults[key]) next.delete(key);
    else next.set(key, value);
  }
  return next;
}

function sameState<K extends string>(a: UrlState<K>, b: UrlState<K>) {
  const keys = keysOf(a);
  return (
    keys.length === keysOf(b).length && keys.every(key => a[key] === b[key])
  );
}

export interface UrlStateOptions {
  /**
   * Replace the history entry instead of pushing one; true unless given, so that Back
   * leaves the page rather than stepping through every filter that was tried.
   */
  replace?: boolean;
}

/**
 * Keeps a page's range and filters in the URL's query string (react-router's
 * `useSearchParams`), so a link or a reload shows the same view. `defaults` names the
 * keys the page owns and what each is when the URL does not say.
 */
export function useUrlState<K extends string>(
  defaults: UrlState<K>,
  options: UrlStateOptions = {},
): [UrlState<K>, (patch: Partial<UrlState<K>>) => void] {
  const [params, setParams] = useSearchParams();
  // Callers write `defaults` inline; keep the setter stable across renders anyway.
  const defaultsRef = useRef(defaults);
  defaultsRef.current = defaults;
  const replace = options.replace ?? true;
  // The same state object while its content is the same, so effects that depend on it
  // do not run again on every render.
  const latest = readUrlState(params, defaults);
  const stateRef = useRef(latest);
  if (!sameState(stateRef.current, latest)) stateRef.current = latest;
  const state = stateRef.current;
  const update = useCallback(
    (patch: Partial<UrlState<K>>) =>
      setParams(prev => patchSearchParams(prev, patch, defaultsRef.current), {
        replace,
      }),
    [setParams, replace],
  );
  return [state, update];
}

/**
 * The page's time range in the URL (`?range=90d&per=week`), for `TimeRangePicker`.
 * Unknown or unsuitable values in a hand-edited link fall back rather than break the page.
 */
export function useTimeRangeUrlState(
  fallback: TimeRange = DEFAULT_TIME_RANGE,
  options?: UrlStateOptions,
): [TimeRange, (range: TimeRange) => void] {
  const { preset, granularity } = fallback;
  const [state, setState] = useUrlState(
    { range: preset, per: granularity },
    options,
  );
  const range = useMemo(
    () => toTimeRange(state.range, state.per, { preset, granularity }),
    [state.range, state.per, preset, granularity],
  );
  const setRange = useCallback(
    (next: TimeRange) =>
      setState({ range: next.preset, per: next.granularity }),
    [setState],
  );
  return [range, setRange];
}

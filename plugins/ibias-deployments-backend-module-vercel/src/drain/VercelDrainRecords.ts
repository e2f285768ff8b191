import { PROBE_USER_AGENT } from '@internal/plugin-ibias-deployments-node';

/** The fields of a Vercel log-drain entry this module reads. */
export interface DrainEntry {
  id?: unknown;
  deploymentId?: unknown;
  projectId?: unknown;
  requestId?: unknown;
  timestamp?: unknown;
  statusCode?: unknown;
  proxy?: {
    statusCode?: unknown;
    timestamp?: unknown;
    userAgent?: unknown;
  } | null;
}

export interface DrainCounts {
  requests: number;
  /** Answered 5xx, or not at all (status −1: the function crashed). */
  errors: number;
}

export interface RecordOutcome {
  stored: number;
  duplicates: number;
  ignored: number;
}

/** An entry stamped later than this past the receiver's clock is ignored. */
const MAX_CLOCK_SKEW_MS = 60_000;
/**
 * An entry older than this is ignored: no analysis interval reaches back that far, and a
 * replay of it could no longer be told from new requests once its key is forgotten.
 */
const MAX_AGE_MS = 60 * 60_000;
/** How many deployment ids `know` keeps (least recently seen go first). */
const MAX_KNOWN = 10_000;

interface Served {
  at: number;
  error: boolean;
}

/**
 * Requests and 5xx per Vercel deployment, from log-drain batches, kept in memory with
 * bounds: the newest `maxPerDeployment` requests of the newest `maxDeployments`
 * deployments, and the last `maxSeenKeys` request keys for telling a replay (Vercel
 * retries a batch it thinks failed) from new requests.
 */
export class VercelDrainRecords {
  private readonly byDeployment = new Map<string, Served[]>();
  private readonly seen = new Set<string>();
  private readonly maxPerDeployment: number;
  private readonly maxDeployments: number;
  private readonly maxSeenKeys: number;
  private readonly now: () => number;
  /** With `onlyKnown`: the deployments the target has read from Vercel's API. */
  private readonly known?: Set<string>;

  constructor(
    options: {
      maxPerDeployment?: number;
      maxDeployments?: number;
      maxSeenKeys?: number;
      /**
       * Count only deployments passed to `know` (those the target read from Vercel's
       * API): a batch naming any other deployment changes nothing.
       */
      onlyKnown?: boolean;
      /** The clock (epoch ms); default Date.now. */
      now?: () => number;
    } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxPerDeployment = options.maxPerDeployment ?? 20_000;
    this.maxDeployments = options.maxDeployments ?? 200;
    this.maxSeenKeys = options.maxSeenKeys ?? 200_000;
    if (options.onlyKnown) this.known = new Set();
  }

  /** A deployment of a configured project, as Vercel's API listed it. */
  know(deploymentId: string) {
    if (!this.known) return;
    // Least recently seen first: a deployment being analysed is listed again and stays.
    this.known.delete(deploymentId);
    this.known.add(deploymentId);
    if (this.known.size > MAX_KNOWN) {
      const oldest = this.known.values().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /**
   * Counts the requests in a batch. Entries of projects not in `projectIds` (or of
   * deployments not known, with `onlyKnown`), and entries that are not requests (build output, background revalidations), are ignored; a
   * request already counted (same request id, or same entry id) is not counted again.
   */
  record(entries: DrainEntry[], projectIds: Set<string>): RecordOutcome {
    const outcome: RecordOutcome = { stored: 0, duplicates: 0, ignored: 0 };
    const now = this.now();
    const touched = new Set<string>();
    for (const entry of entries) {
      const served =
        entry && typeof entry === 'object'
          ? requestOf(entry, projectIds)
          : undefined;
      if (
        !served ||
        (this.known && !this.known.has(served.deploymentId)) ||
        // From the future (it would count in every later interval), or too old to
        // count in any analysis (and to be told from a replay).
        served.at > now + MAX_CLOCK_SKEW_MS ||
        served.at < now - MAX_AGE_MS
      ) {
        outcome.ignored += 1;
        continue;
      }
      if (this.seen.has(served.key)) {
        outcome.duplicates += 1;
        continue;
      }
      this.remember(served.key);
      this.add(served.deploymentId, { at: served.at, error: served.error });
      touched.add(served.deploymentId);
      outcome.stored += 1;
    }
    // Trimmed once per batch, not per request.
    for (const id of touched) {
      const list = this.byDeployment.get(id);
      if (list && list.length > this.maxPerDeployment) {
        list.splice(0, list.length - this.maxPerDeployment);
      }
    }
    return outcome;
  }

  /** What a deployment served since `sinceMs` (epoch ms), as far as drains told. */
  counts(deploymentId: string, sinceMs: number): DrainCounts {
    const served = this.byDeployment.get(deploymentId) ?? [];
    let requests = 0;
    let errors = 0;
    for (const s of served) {
      if (s.at < sinceMs) continue;
      requests += 1;
      if (s.error) errors += 1;
    }
    return { requests, errors };
  }

  private remember(key: string) {
    this.seen.add(key);
    if (this.seen.size > this.maxSeenKeys) {
      // A Set iterates in insertion order: the first key is the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private add(deploymentId: string, served: Served) {
    let list = this.byDeployment.get(deploymentId);
    if (list) {
      // Re-inserted so that the map's order is least recently drained first.
      this.byDeployment.delete(deploymentId);
    } else {
      list = [];
    }
    this.byDeployment.set(deploymentId, list);
    list.push(served);
    if (this.byDeployment.size > this.maxDeployments) {
      const oldest = this.byDeployment.keys().next().value;
      if (oldest !== undefined) this.byDeployment.delete(oldest);
    }
  }
}

/** One request's log lines share its request id; an entry id tells a replay otherwise. */
function keyOf(entry: DrainEntry): string | undefined {
  if (typeof entry.requestId === 'string' && entry.requestId) {
    return `request:${entry.requestId}`;
  }
  if (typeof entry.id === 'string' && entry.id) return `entry:${entry.id}`;
  return undefined;
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === 'number');
}

function requestOf(entry: DrainEntry, projectIds: Set<string>) {
  const { deploymentId, projectId } = entry;
  if (typeof deploymentId !== 'string' || typeof projectId !== 'string') {
    return undefined;
  }
  if (!projectIds.has(projectId)) return undefined;
  const proxyStatus = entry.proxy?.statusCode;
  // In `proxy`, −1 is a background revalidation, not a caller's request.
  if (proxyStatus === -1) return undefined;
  // The portal's own probes are timed by the portal; the drain counts real callers.
  const agents = entry.proxy?.userAgent;
  if (
    Array.isArray(agents) &&
    agents.some(a => typeof a === 'string' && a.startsWith(PROBE_USER_AGENT))
  ) {
    return undefined;
  }
  const status =
    typeof proxyStatus === 'number' ? proxyStatus : entry.statusCode;
  if (typeof status !== 'number') return undefined;
  const key = keyOf(entry);
  // Without an id a replay could not be told from new requests.
  if (!key) return undefined;
  const at = firstNumber(entry.proxy?.timestamp, entry.timestamp) ?? Date.now();
  return {
    key: `${deploymentId}:${key}`,
    deploymentId,
    at,
    // −1 at the top level: the function crashed and nothing answered.
    error: status >= 500 || status === -1,
  };
}

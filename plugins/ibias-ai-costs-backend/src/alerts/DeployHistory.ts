import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/** A deploy that changed what a service runs. */
export interface DeployRecord {
  id: string;
  /** The catalog's lowercase ref. */
  entityRef: string;
  version: string;
  environment: string;
  /** When it finished (the new version took the traffic), epoch milliseconds. */
  at: number;
  rollback: boolean;
}

/** Where deploys come from: ibias-deployments. */
export interface DeployHistory {
  /**
   * The succeeded deploys to `environment` since `from`, newest first, of one service or
   * of all; undefined when the history cannot be read now (nothing is judged on it then).
   */
  deploys(filter: {
    from: number;
    environment: string;
    entityRef?: string;
  }): Promise<DeployRecord[] | undefined>;
}

/** A page holds at most this many (the deployments API's maximum). */
const PAGE = 200;
/** Pages read at most per question: a week of a busy portal's deploys. */
const MAX_PAGES = 5;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The deploy history from GET /api/ibias-deployments/deployments, asked with this
 * plugin's own service token (the evaluation has no caller; the entity tab's readers
 * already passed ibias.aiCosts.read for the service's team). When the deployments plugin
 * does not answer, the answer is undefined and the reason logged.
 */
export class HttpDeployHistory implements DeployHistory {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      fetch?: typeof fetch;
      timeoutMs?: number;
    },
  ) {}

  async deploys(filter: {
    from: number;
    environment: string;
    entityRef?: string;
  }): Promise<DeployRecord[] | undefined> {
    const { discovery, auth, logger } = this.options;
    try {
      const base = await discovery.getBaseUrl('ibias-deployments');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId: 'ibias-deployments',
      });
      const out: DeployRecord[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          from: new Date(filter.from).toISOString(),
          environment: filter.environment,
          status: 'succeeded',
          limit: String(PAGE),
        });
        if (filter.entityRef) query.set('entityRef', filter.entityRef);
        if (cursor) query.set('cursor', cursor);
        const response = await (this.options.fetch ?? fetch)(
          `${base}/deployments?${query}`,
          {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
          },
        );
        if (!response.ok) {
          logger.warn(
            `ibias-deployments answered GET /deployments with ${response.status}: deploys are not judged this time`,
          );
          return undefined;
        }
        const body: unknown = await response.json();
        const items =
          isRecord(body) && Array.isArray(body.items) ? body.items : [];
        for (const d of items.filter(isRecord)) {
          const at = Date.parse(
            text(d.finishedAt) || text(d.startedAt) || text(d.createdAt),
          );
          const entityRef = text(d.entityRef).toLocaleLowerCase('en-US');
          if (Number.isNaN(at) || !entityRef || !text(d.id)) continue;
          out.push({
            id: text(d.id),
            entityRef,
            version: text(d.version),
            environment: text(d.environment),
            at,
            rollback: text(d.rollbackOf) !== '',
          });
        }
        cursor =
          isRecord(body) && typeof body.nextCursor === 'string'
            ? body.nextCursor
            : undefined;
        if (!cursor) break;
      }
      return out.sort((a, b) => b.at - a.at);
    } catch (error) {
      logger.warn(
        `ibias-deployments could not be read: ${error}; deploys are not judged this time`,
      );
      return undefined;
    }
  }
}

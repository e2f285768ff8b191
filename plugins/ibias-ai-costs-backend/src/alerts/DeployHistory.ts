import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  isRecord,
  text,
  type DeploymentsApi,
} from '@internal/plugin-ibias-deployments-node';

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

/**
 * The deploy history from GET /api/ibias-deployments/deployments, asked with this
 * plugin's own service token (the evaluation has no caller; the entity tab's readers
 * already passed ibias.aiCosts.read for the service's team). When the deployments plugin
 * does not answer, the answer is undefined and the reason logged.
 */
export class HttpDeployHistory implements DeployHistory {
  constructor(
    private readonly options: {
      deployments: DeploymentsApi;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async deploys(filter: {
    from: number;
    environment: string;
    entityRef?: string;
  }): Promise<DeployRecord[] | undefined> {
    const { deployments, auth, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
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
      const body = await deployments.get('/deployments', query, credentials);
      if (!isRecord(body)) {
        logger.warn(
          'ibias-deployments could not be read: deploys are not judged this time',
        );
        return undefined;
      }
      const items = Array.isArray(body.items) ? body.items : [];
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
        typeof body.nextCursor === 'string' ? body.nextCursor : undefined;
      if (!cursor) break;
    }
    return out.sort((a, b) => b.at - a.at);
  }
}

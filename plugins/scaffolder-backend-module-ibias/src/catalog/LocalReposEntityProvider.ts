import type {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { stringifyLocationRef } from '@backstage/catalog-model';
import {
  locationSpecToLocationEntity,
  type EntityProvider,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { listLocalCatalogInfos } from './localCatalogInfo';

/**
 * Puts locally published repositories in the catalog without the locations API: one
 * `file` Location entity for each `<localReposDir>/<name>/catalog-info.yaml` that
 * passes {@link listLocalCatalogInfos} (a valid service name, no symlink, inside the real
 * repositories folder). Every refresh is a full mutation, so a repository that goes away
 * (or turns into a symlink) takes its entities with it.
 */
export class LocalReposEntityProvider implements EntityProvider {
  #connection?: EntityProviderConnection;
  /** Scans run one after another, never two at once. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      root: string;
      logger: LoggerService;
      /** Runs the full refresh on start and then on its schedule. */
      taskRunner?: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName() {
    return 'ibias-local-repos';
  }

  async connect(connection: EntityProviderConnection) {
    this.#connection = connection;
    await this.options.taskRunner?.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        await this.refresh();
      },
    });
  }

  /**
   * Scans the repositories folder and replaces everything this provider emitted; a call
   * made while a scan runs gets a scan of its own after it, so a repository published a
   * moment ago is never missed. Resolves with the number of locations emitted.
   */
  refresh(): Promise<number> {
    // Asked before the catalog started: the scan on start comes soon enough.
    if (!this.#connection) return Promise.resolve(0);
    const scan = this.#queue.then(() => this.#scan());
    this.#queue = scan.catch(() => undefined);
    return scan;
  }

  async #scan(): Promise<number> {
    const connection = this.#connection!;
    const found = await listLocalCatalogInfos(this.options.root);
    const entities = [...found.values()].map(target => {
      const location = { type: 'file', target };
      return {
        entity: locationSpecToLocationEntity({ location }),
        locationKey: stringifyLocationRef(location),
      };
    });
    await connection.applyMutation({ type: 'full', entities });
    this.options.logger.debug(
      `Emitted ${entities.length} local repository locations`,
    );
    return entities.length;
  }
}

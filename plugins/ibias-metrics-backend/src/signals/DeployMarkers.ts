import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { DeployMarkerSource, GoldenSignalsMarker } from './GoldenSignals';

/** Deployments that changed what runs (a queued or unapproved one has not yet). */
const STARTED_STATUSES = 'running,succeeded,failed,rolled_back,aborted';
/** One page: a range with more deployments than this draws the newest. */
const MARKER_LIMIT = 200;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Deploy markers from the ibias-deployments API, asked on behalf of the caller so that
 * its own authorization decides what they see. Markers are a garnish: when the
 * deployments plugin does not answer, the signals come without them.
 */
export class HttpDeployMarkers implements DeployMarkerSource {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      fetch?: typeof fetch;
      /** Default 5 s: the charts are not held up long by their markers. */
      timeoutMs?: number;
    },
  ) {}

  async markers(request: {
    credentials: BackstageCredentials;
    entityRef: string;
    environment?: string;
    from: Date;
    to: Date;
  }): Promise<GoldenSignalsMarker[]> {
    try {
      const base = await this.options.discovery.getBaseUrl('ibias-deployments');
      const { token } = await this.options.auth.getPluginRequestToken({
        onBehalfOf: request.credentials,
        targetPluginId: 'ibias-deployments',
      });
      const query = new URLSearchParams({
        entityRef: request.entityRef,
        from: request.from.toISOString(),
        to: request.to.toISOString(),
        status: STARTED_STATUSES,
        limit: String(MARKER_LIMIT),
      });
      if (request.environment) query.set('environment', request.environment);
      const response = await (this.options.fetch ?? fetch)(
        `${base}/deployments?${query}`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        },
      );
      if (!response.ok) {
        this.options.logger.debug(
          `No deploy markers: ibias-deployments answered ${response.status}`,
        );
        return [];
      }
      const body: unknown = await response.json();
      const items =
        isRecord(body) && Array.isArray(body.items) ? body.items : [];
      const markers = items.filter(isRecord).map(d => {
        const version = text(d.version);
        const status = text(d.status);
        const rollback = text(d.rollbackOf) !== '';
        return {
          // When the new version began to take traffic, else when it was asked for.
          at: text(d.startedAt) || text(d.createdAt),
          environment: text(d.environment),
          version,
          status,
          deploymentId: text(d.id),
          label: `${rollback ? 'rollback to ' : ''}${version} (${status.replace(
            '_',
            ' ',
          )})`,
        };
      });
      return markers.filter(m => m.at !== '' && m.deploymentId !== '');
    } catch (error) {
      this.options.logger.debug(`No deploy markers: ${error}`);
      return [];
    }
  }
}

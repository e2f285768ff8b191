import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { isRecord, text, type DeploymentsApi } from './DeploymentsApi';
import type { DeployMarkerSource, GoldenSignalsMarker } from './GoldenSignals';

/** Deployments that changed what runs (a queued or unapproved one has not yet). */
const STARTED_STATUSES = 'running,succeeded,failed,rolled_back,aborted';
/** One page: a range with more deployments than this draws the newest. */
const MARKER_LIMIT = 200;

/**
 * Deploy markers from the ibias-deployments API, asked on behalf of the caller. Markers
 * are a garnish: when the deployments plugin does not answer, the signals come without
 * them.
 */
export class HttpDeployMarkers implements DeployMarkerSource {
  constructor(private readonly deployments: DeploymentsApi) {}

  async markers(request: {
    credentials: BackstageCredentials;
    entityRef: string;
    environment?: string;
    from: Date;
    to: Date;
  }): Promise<GoldenSignalsMarker[]> {
    const query = new URLSearchParams({
      entityRef: request.entityRef,
      from: request.from.toISOString(),
      to: request.to.toISOString(),
      status: STARTED_STATUSES,
      limit: String(MARKER_LIMIT),
    });
    if (request.environment) query.set('environment', request.environment);
    const body = await this.deployments.get(
      '/deployments',
      query,
      request.credentials,
    );
    const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
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
  }
}

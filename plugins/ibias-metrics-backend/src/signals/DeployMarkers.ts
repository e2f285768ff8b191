import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  isRecord,
  text,
  type DeploymentsApi,
} from '@internal/plugin-ibias-deployments-node';
import type { DeployMarkerSource, GoldenSignalsMarker } from './GoldenSignals';
import type { DeployMarker, DeploymentHistory } from '../kpi/DashboardService';

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

/**
 * The executive dashboard's deploy markers: production deployments that finished, from
 * the ibias-deployments API asked as the caller (what they may not see, they are not
 * shown). When the deployments plugin does not answer, the dashboard comes without them.
 */
export class HttpDeploymentHistory implements DeploymentHistory {
  constructor(private readonly deployments: DeploymentsApi) {}

  async recent(options: {
    entityRef?: string;
    from: string;
    limit: number;
    credentials: BackstageCredentials;
  }): Promise<DeployMarker[]> {
    const query = new URLSearchParams({
      from: options.from,
      limit: String(options.limit),
      environment: 'production',
      status: 'succeeded,rolled_back,failed',
    });
    if (options.entityRef) query.set('entityRef', options.entityRef);
    const body = await this.deployments.get(
      '/deployments',
      query,
      options.credentials,
    );
    const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
    return items
      .filter(isRecord)
      .filter(d => text(d.environment) === 'production')
      .map(d => ({
        at: text(d.createdAt),
        label: `${text(d.entityRef).split('/').pop()} ${text(
          d.version,
        )} (${text(d.status).replace('_', ' ')})`,
        entityRef: text(d.entityRef),
        deploymentId: text(d.id),
      }))
      .filter(m => m.at !== '' && m.deploymentId !== '');
  }
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  DEPLOYMENTS_SIGNAL_CHANNEL,
  type Deployment,
  type DeploymentEvent,
  type DeploymentsSignal,
} from '@internal/plugin-ibias-deployments-common';

/** The notification the owning group gets, or undefined when nobody needs to hear. */
export function notificationFor(d: Deployment, event?: DeploymentEvent) {
  if (event !== 'fail' && event !== 'roll_back') return undefined;
  const ref = parseEntityRef(d.entityRef);
  const name = ref.name;
  const what =
    event === 'roll_back'
      ? `${name} ${d.version} was rolled back in ${d.environment}`
      : `${name} ${d.version} failed to deploy to ${d.environment}`;
  return {
    title: what,
    description: `${d.reason ?? ''} ${
      d.previousVersion ? `${d.previousVersion} takes the traffic.` : ''
    }`.trim(),
    link: `/catalog/${ref.namespace}/${ref.kind.toLocaleLowerCase('en-US')}/${
      ref.name
    }/deployments`,
    severity: 'high' as const,
    topic: `deployment:${d.entityRef}:${d.environment}`,
    scope: d.id,
  };
}

/**
 * What the release managers hear when an owner rolls production back without their
 * approval (break-glass): who, what, and why.
 */
export function breakGlassNotificationFor(d: Deployment) {
  const ref = parseEntityRef(d.entityRef);
  return {
    title: `Break-glass: ${d.initiatedBy} rolled ${ref.name} back in ${d.environment} without approval`,
    description: `${d.entityRef}: ${d.previousVersion ?? 'nothing'} → ${
      d.version
    } (deployment ${d.id}). Reason: ${d.breakGlassReason ?? '(none given)'}`,
    link: `/catalog/${ref.namespace}/${ref.kind.toLocaleLowerCase('en-US')}/${
      ref.name
    }/deployments`,
    severity: 'critical' as const,
    topic: `deployment:${d.entityRef}:${d.environment}`,
    scope: `break-glass:${d.id}`,
  };
}

/** Sends the break-glass notification to the release managers group. */
export function createBreakGlassAnnouncer(options: {
  notifications: NotificationService;
  releaseManagers?: string;
  logger: LoggerService;
}) {
  return (d: Deployment) => {
    if (!options.releaseManagers) {
      options.logger.warn(
        `Break-glass rollback ${d.id}: ibias.deployments.releaseManagers is not set, nobody was notified`,
      );
      return;
    }
    void options.notifications
      .send({
        recipients: { type: 'entity', entityRef: options.releaseManagers },
        payload: breakGlassNotificationFor(d),
      })
      .catch(e => options.logger.warn(`Notification not sent: ${e}`));
  };
}

/**
 * Pushes every change to the browser (signals) and tells the owning group when a
 * deployment fails or is rolled back (notifications). Neither may break a deploy.
 */
export function createAnnouncer(options: {
  signals: SignalsService;
  notifications: NotificationService;
  ownerOf(entityRef: string): Promise<string | undefined>;
  logger: LoggerService;
}) {
  return (d: Deployment, event?: DeploymentEvent) => {
    const message: DeploymentsSignal = {
      id: d.id,
      entityRef: d.entityRef,
      environment: d.environment,
      status: d.status,
    };
    void options.signals
      .publish<DeploymentsSignal>({
        recipients: { type: 'broadcast' },
        channel: DEPLOYMENTS_SIGNAL_CHANNEL,
        message,
      })
      .catch(e => options.logger.warn(`Signal not sent: ${e}`));
    const payload = notificationFor(d, event);
    if (!payload) return;
    void options
      .ownerOf(d.entityRef)
      .then(owner =>
        owner
          ? options.notifications.send({
              recipients: { type: 'entity', entityRef: owner },
              payload,
            })
          : undefined,
      )
      .catch(e => options.logger.warn(`Notification not sent: ${e}`));
  };
}

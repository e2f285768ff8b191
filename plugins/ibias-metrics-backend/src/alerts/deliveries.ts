import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  dedupKey,
  type AlertAction,
} from '@internal/plugin-ibias-metrics-common';
import type { StoredAlert } from '../database/KnexAlertStore';
import type { AlertDelivery } from './AlertService';
import type { PagerDutyClient } from './PagerDutyClient';

/** The signal channel the Alerts page and the dashboard listen on. */
export const ALERTS_SIGNAL_CHANNEL = 'ibias-metrics:alerts';

const LINK = '/ibias-metrics/alerts';

/** A resolve is low news; a trigger is critical for critical rules, high otherwise. */
function notificationSeverity(
  alert: StoredAlert,
  action: AlertAction | 'acknowledge',
): 'low' | 'high' | 'critical' {
  if (action === 'resolve') return 'low';
  return alert.severity === 'critical' ? 'critical' : 'high';
}

/**
 * Delivers each lifecycle step: live to browsers (signals), to the owning group
 * (Backstage notifications; a trigger and a resolve, not every evaluation) and to
 * PagerDuty under one dedup key per alert (when a routing key is configured). One
 * channel failing does not stop the others.
 */
export function createAlertDelivery(options: {
  signals: SignalsService;
  notifications: NotificationService;
  pagerDuty?: PagerDutyClient;
  baseUrl?: string;
  logger: LoggerService;
}): AlertDelivery {
  const { logger } = options;
  const quietly = (what: string, work: Promise<unknown>) =>
    work.catch(e => logger.warn(`Alert ${what} not delivered: ${e}`));
  return {
    async deliver(alert: StoredAlert, action: AlertAction | 'acknowledge') {
      const key = dedupKey(alert.ruleId, alert.subject, alert.id);
      const title =
        action === 'resolve'
          ? `Resolved: ${alert.summary} (${alert.subject})`
          : `${alert.summary} (${alert.subject})`;
      await Promise.all([
        quietly(
          'signal',
          options.signals.publish({
            recipients: { type: 'broadcast' },
            channel: ALERTS_SIGNAL_CHANNEL,
            message: { alertId: alert.id, status: alert.status, action },
          }),
        ),
        action !== 'acknowledge' && alert.owner
          ? quietly(
              'notification',
              options.notifications.send({
                recipients: { type: 'entity', entityRef: alert.owner },
                payload: {
                  title,
                  // The rule, not the value: a KPI's figure is for those who may read it.
                  description: `Rule ${alert.ruleId}`,
                  link: `${LINK}?alert=${alert.id}`,
                  severity: notificationSeverity(alert, action),
                  topic: `alert:${alert.ruleId}:${alert.subject}`,
                  scope: alert.id,
                },
              }),
            )
          : undefined,
        options.pagerDuty
          ? quietly(
              'PagerDuty event',
              action === 'trigger'
                ? options.pagerDuty.send({
                    action: 'trigger',
                    dedupKey: key,
                    summary: title,
                    source: alert.subject,
                    severity: alert.severity,
                    component: alert.subject,
                    class: alert.ruleId,
                    customDetails: {
                      ...alert.evidence,
                      value: alert.lastValue,
                    },
                    links: options.baseUrl
                      ? [
                          {
                            href: `${options.baseUrl}${LINK}?alert=${alert.id}`,
                            text: 'IBIAS Portal',
                          },
                        ]
                      : undefined,
                  })
                : options.pagerDuty.send({ action, dedupKey: key }),
            )
          : undefined,
      ]);
    },
  };
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  AI_ALERT_RULE_UNITS,
  AI_ALERTS_SIGNAL_CHANNEL,
  formatAlertValue,
  type AiAlertSignal,
} from '@internal/plugin-ibias-ai-costs-common';
import type { StoredAiAlert } from '../database/AlertStore';
import { UNATTRIBUTED } from '../database/UsageStore';
import type { AlertDelivery } from './AiAlertService';
import type { AlertRule } from './alertSettings';

const ACTIONS: Record<AlertRule['action'], string> = {
  scale: 'scale it',
  fallback: 'fall back to another provider or model',
  notify: 'look into it',
};

/** Where an alert is read: the service's AI costs tab, or the alerts tab for a team. */
export function alertLink(alert: StoredAiAlert): string {
  if (alert.scopeKind === 'entity') {
    try {
      const e = parseEntityRef(alert.scopeRef);
      return `/catalog/${e.namespace}/${e.kind}/${e.name}/ai-costs`;
    } catch {
      // Not a ref (an unattributed entity's name): the portal-wide view.
    }
  }
  return `/ibias-ai-costs?tab=alerts`;
}

/** What a firing says, in words: the rule, the subject, the value against the threshold. */
export function describeAlert(alert: StoredAiAlert, rule: AlertRule) {
  const unit = AI_ALERT_RULE_UNITS[alert.ruleId] ?? 'usd';
  const subject =
    alert.scopeKind === 'team' ? `team ${alert.scopeRef}` : alert.scopeRef;
  const version =
    typeof alert.detail.version === 'string' && alert.detail.version
      ? ` (deploy ${alert.detail.version})`
      : '';
  return {
    title: `${rule.name}: ${subject}`,
    description: `${formatAlertValue(
      unit,
      alert.value,
    )} against ${formatAlertValue(
      unit,
      alert.threshold,
    )}${version}. Suggested: ${ACTIONS[rule.action]}.`,
    severity:
      rule.severity === 'critical' ? ('critical' as const) : ('high' as const),
  };
}

/**
 * Delivers AI cost alerts: a firing as a Backstage notification to the owning group (the
 * readers of all teams for unattributed spend), and every state change as a signal on
 * AI_ALERTS_SIGNAL_CHANNEL carrying only the alert's id and state (the views reload what
 * the reader may see).
 */
export function createAlertDelivery(options: {
  notifications: NotificationService;
  signals: SignalsService;
  /** Who hears of unattributed spend: ibias.permissions.aiCostsReaders. */
  readers: string[];
  logger: LoggerService;
}): AlertDelivery {
  return {
    async fired(alert, rule) {
      const recipients =
        alert.team === UNATTRIBUTED ? options.readers : [alert.team];
      if (recipients.length === 0) {
        options.logger.warn(
          `AI alert ${alert.id} fired but has nobody to tell (unattributed, no readers)`,
        );
        return;
      }
      await options.notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: {
          ...describeAlert(alert, rule),
          link: alertLink(alert),
          topic: `ai-alert:${alert.ruleId}`,
          // One notification per firing: a refire after a snooze updates it.
          scope: `ai-alert:${alert.id}`,
        },
      });
    },
    async changed(alert) {
      const message: AiAlertSignal = { alertId: alert.id, state: alert.state };
      await options.signals.publish({
        recipients: { type: 'broadcast' },
        channel: AI_ALERTS_SIGNAL_CHANNEL,
        message: { ...message },
      });
    },
  };
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { BudgetFiring } from './BudgetService';

const dollars = (micros: number) =>
  `$${(micros / 1_000_000).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })}`;

/** What a firing says, in words: the budget, the threshold and the spend. */
export function describeFiring(firing: BudgetFiring) {
  const { budget, status, threshold } = firing;
  const amount = dollars(budget.amount * 1_000_000);
  const title =
    threshold === 'forecast'
      ? `AI budget ${budget.id}: the month-end forecast passes ${amount}`
      : `AI budget ${budget.id}: ${threshold} % of ${amount} reached this ${budget.period}`;
  const forecast =
    status.forecast?.available === true
      ? `; month-end forecast ${dollars(status.forecast.forecastMicros)}`
      : '';
  return {
    title,
    description: `${budget.scope} ${budget.target}: spent ${dollars(
      status.spentMicros,
    )} of ${amount} since ${status.periodStart.slice(0, 10)}${forecast}`,
    severity:
      threshold === 'forecast' || threshold < 100
        ? ('normal' as const)
        : ('high' as const),
  };
}

/** Delivers budget firings as Backstage notifications to who owns the budget. */
export function notifyBudgetFirings(options: {
  notifications: NotificationService;
  logger: LoggerService;
}) {
  return async (firing: BudgetFiring) => {
    if (firing.recipients.length === 0) {
      options.logger.warn(
        `AI budget ${firing.budget.id} fired but has nobody to tell (no owner, no readers)`,
      );
      return;
    }
    const text = describeFiring(firing);
    await options.notifications.send({
      recipients: { type: 'entity', entityRef: firing.recipients },
      payload: {
        ...text,
        link: '/ibias-ai-costs',
        topic: `ai-budget:${firing.budget.id}`,
        scope: `ai-budget:${firing.budget.id}:${firing.status.periodStart}:${firing.threshold}`,
      },
    });
  };
}

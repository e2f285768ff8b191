import type {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AI_ALERT_RULE_UNITS,
  aiAlertTransition,
  aiCostsAlertUpdatePermission,
  aiCostsReadPermission,
  nextAlertStep,
  snoozeEnd,
  type AiAlertAction,
} from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import type { Request } from 'express';
import type {
  AlertStore,
  AlertView,
  StoredAiAlert,
} from '../database/AlertStore';
import type { AlertRule } from './alertSettings';
import type { AlertEvaluator, Observation } from './AlertEvaluator';

/** Where alerts go: the team hears of a firing; browsers of every state change. */
export interface AlertDelivery {
  /** The alert fired (opened, or shown again when its snooze ended). */
  fired(alert: StoredAiAlert, rule: AlertRule): Promise<void>;
  /** The alert's state changed (fired, acknowledged, snoozed, resolved). */
  changed(alert: StoredAiAlert): Promise<void>;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * AI cost alerts: each evaluation's findings applied to the alerts (fire once per rule
 * and scope, cooldown, snooze, resolve when the condition clears), delivered, and listed,
 * acknowledged and snoozed by those who may read the team's spend.
 */
export class AiAlertService {
  private readonly rules: Map<string, AlertRule>;

  constructor(
    private readonly options: {
      store: AlertStore;
      evaluator: Pick<AlertEvaluator, 'observe'>;
      rules: AlertRule[];
      permissions: PermissionsService;
      delivery: AlertDelivery;
      logger: LoggerService;
      auditor?: AuditorService;
      now?: () => number;
    },
  ) {
    this.rules = new Map(options.rules.map(r => [r.id, r]));
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * One evaluation round (the scheduled task): every rule judged from the rollups, each
   * finding applied to its rule's and scope's alert, each in its own compare-and-set, each
   * whatever the others did. Throws at the end, naming how many failed.
   */
  async evaluate(): Promise<{ fired: StoredAiAlert[]; resolved: number }> {
    const now = this.now();
    const { observations, judged } = await this.options.evaluator.observe(now);
    const open = await this.options.store.openAlerts();
    const openByKey = new Map(open.map(a => [`${a.ruleId}|${a.scopeRef}`, a]));
    const fired: StoredAiAlert[] = [];
    let resolved = 0;
    const failures: string[] = [];
    const apply = async (o: Observation, current?: StoredAiAlert) => {
      try {
        const result = await this.apply(o, current, now);
        if (result === 'fired') {
          const alert = await this.options.store.open(o.rule.id, o.scopeRef);
          if (alert) fired.push(alert);
        }
        if (result === 'resolved') resolved += 1;
      } catch (error) {
        failures.push(`${o.rule.id} ${o.scopeRef}: ${error}`);
      }
    };
    const seen = new Set<string>();
    for (const o of observations) {
      const key = `${o.rule.id}|${o.scopeRef}`;
      seen.add(key);
      await apply(o, openByKey.get(key));
    }
    // Open alerts of judged rules with nothing found: their condition cleared.
    for (const alert of open) {
      const key = `${alert.ruleId}|${alert.scopeRef}`;
      const rule = this.rules.get(alert.ruleId);
      if (seen.has(key) || !judged.has(alert.ruleId) || !rule) continue;
      await apply(
        {
          rule,
          scopeKind: alert.scopeKind,
          scopeRef: alert.scopeRef,
          team: alert.team,
          entityRef: alert.entityRef,
          judgement: 'clear',
          value: null,
          threshold: alert.threshold,
          detail: {},
        },
        alert,
      );
    }
    if (failures.length > 0) {
      throw new Error(
        `AI alert evaluation: ${failures.length} failed, first ${failures[0]}`,
      );
    }
    return { fired, resolved };
  }

  private async apply(
    o: Observation,
    open: StoredAiAlert | undefined,
    now: number,
  ): Promise<'fired' | 'resolved' | 'refreshed' | 'none'> {
    const { store, delivery, logger } = this.options;
    const lastFiredAt =
      !open && o.judgement === 'breached'
        ? await store.lastFiredAt(o.rule.id, o.scopeRef)
        : undefined;
    const step = nextAlertStep({
      open,
      judgement: o.judgement,
      now,
      lastFiredAt,
      cooldownMs: o.rule.cooldownMs,
    });
    const quietly = (what: string, work: Promise<void>) =>
      work.catch(e => logger.warn(`AI alert ${what} not delivered: ${e}`));
    switch (step.step) {
      case 'fire': {
        const created = await store.create(
          {
            ruleId: o.rule.id,
            scopeKind: o.scopeKind,
            scopeRef: o.scopeRef,
            team: o.team,
            entityRef: o.entityRef,
            state: 'firing',
            firstSeen: now,
            lastSeen: now,
            firedAt: now,
            value: o.value ?? 0,
            threshold: o.threshold,
            detail: o.detail,
          },
          now,
        );
        // Undefined: another replica opened it first and told the team.
        if (!created) return 'none';
        await quietly('notification', delivery.fired(created, o.rule));
        await quietly('signal', delivery.changed(created));
        return 'fired';
      }
      case 'refire':
      case 'refresh': {
        if (!open) return 'none';
        const refire = step.step === 'refire';
        const changed = await store.transition(
          open.id,
          open.state,
          {
            lastSeen: now,
            value: o.value ?? open.value,
            detail: o.detail,
            ...(refire
              ? {
                  state: 'firing' as const,
                  firedAt: now,
                  snoozedUntil: null,
                  snoozedBy: null,
                }
              : {}),
          },
          now,
          // Snoozed again since it was read (still 'snoozed', a later end): left alone.
          refire ? { snoozeEndedBy: now } : undefined,
        );
        // Someone acknowledged or snoozed it meanwhile: the next round sees it.
        if (!changed || !refire) return 'refreshed';
        await quietly('notification', delivery.fired(changed, o.rule));
        await quietly('signal', delivery.changed(changed));
        return 'fired';
      }
      case 'resolve': {
        if (!open) return 'none';
        const changed = await store.transition(
          open.id,
          open.state,
          { state: 'resolved', resolvedAt: now },
          now,
        );
        if (!changed) return 'none';
        await quietly('signal', delivery.changed(changed));
        return 'resolved';
      }
      default:
        return 'none';
    }
  }

  /** The alerts of the teams the caller may read (ibias.aiCosts.read), filtered. */
  async list(
    credentials: BackstageCredentials,
    filter: {
      view: AlertView;
      entityRef?: string;
      team?: string;
      limit: number;
    },
  ) {
    const allowed = await this.readableTeams(credentials);
    const entityRef = filter.entityRef ? lower(filter.entityRef) : undefined;
    let teams: string[] | undefined;
    if (!allowed.all) {
      teams = (await this.options.store.teams(entityRef)).filter(allowed.team);
    }
    if (filter.team) {
      const wanted = lower(filter.team);
      teams = allowed.team(wanted) ? [wanted] : [];
    }
    const items = await this.options.store.list({
      view: filter.view,
      teams,
      entityRef,
      limit: filter.limit,
      now: this.now(),
    });
    return items.map(a => this.present(a));
  }

  /**
   * Acknowledge or snooze, by someone who may read the alert's team's spend and update
   * its alerts. `request` lets the auditor record who asked.
   */
  async act(
    id: string,
    action: AiAlertAction,
    body: { until?: string; minutes?: number },
    credentials: BackstageCredentials,
    request?: Request,
  ) {
    const auditorEvent = await this.options.auditor?.createEvent({
      eventId: `ai-alert-${action}`,
      severityLevel: 'medium',
      request,
      meta: { alertId: id },
    });
    try {
      const alert = await this.options.store.get(id);
      const allowed = await this.readableTeams(credentials);
      // An alert of a team the caller may not read is one they cannot know exists.
      if (!alert || !allowed.team(alert.team)) {
        throw new NotFoundError(`No alert ${id}`);
      }
      const [decision] = await this.options.permissions.authorize(
        [{ permission: aiCostsAlertUpdatePermission, resourceRef: alert.team }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may read ${alert.team}'s AI costs but not ${action} its alerts (${aiCostsAlertUpdatePermission.name})`,
        );
      }
      const to = aiAlertTransition(alert.state, action);
      if (!to) {
        throw new ConflictError(
          `A ${alert.state} alert cannot be ${
            action === 'acknowledge' ? 'acknowledged' : 'snoozed'
          }`,
        );
      }
      const now = this.now();
      const actor = actorOf(credentials);
      let changes;
      if (action === 'snooze') {
        const end = snoozeEnd(body, now);
        if ('problem' in end) throw new InputError(end.problem);
        changes = {
          state: to,
          snoozedUntil: end.until,
          snoozedBy: actor,
        };
      } else {
        changes = {
          state: to,
          acknowledgedBy: actor,
          acknowledgedAt: now,
          snoozedUntil: null,
          snoozedBy: null,
        };
      }
      const saved = await this.options.store.transition(
        alert.id,
        alert.state,
        changes,
        now,
      );
      if (!saved) {
        throw new ConflictError(
          `Alert ${id} changed while it was being updated; reload it`,
        );
      }
      await this.options.delivery
        .changed(saved)
        .catch(e =>
          this.options.logger.warn(`AI alert signal not delivered: ${e}`),
        );
      await auditorEvent?.success({
        meta: { state: saved.state, snoozedUntil: saved.snoozedUntil },
      });
      return this.present(saved);
    } catch (error) {
      await auditorEvent?.fail({ error: error as Error });
      throw error;
    }
  }

  /** Which teams the caller may read: all of them, or those the decision names. */
  async readableTeams(credentials: BackstageCredentials) {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: aiCostsReadPermission }],
      { credentials },
    );
    return {
      all: decision.result === AuthorizeResult.ALLOW,
      team: teamsAllowedBy(decision),
    };
  }

  /** An alert as the API answers it (instants in ISO 8601, the rule's name and unit). */
  present(a: StoredAiAlert) {
    const rule = this.rules.get(a.ruleId);
    const iso = (t: number | undefined) =>
      t === undefined ? undefined : new Date(t).toISOString();
    const active =
      a.state !== 'resolved' &&
      !(a.state === 'snoozed' && (a.snoozedUntil ?? 0) > this.now());
    return {
      id: a.id,
      rule: a.ruleId,
      ruleName: rule?.name ?? a.ruleId,
      action: rule?.action ?? 'notify',
      severity: rule?.severity ?? 'warning',
      unit: AI_ALERT_RULE_UNITS[a.ruleId] ?? 'usd',
      scope: { kind: a.scopeKind, ref: a.scopeRef },
      team: a.team,
      ...(a.entityRef ? { entityRef: a.entityRef } : {}),
      state: a.state,
      active,
      ...(a.snoozedUntil !== undefined
        ? { snoozedUntil: iso(a.snoozedUntil) }
        : {}),
      ...(a.snoozedBy ? { snoozedBy: a.snoozedBy } : {}),
      ...(a.acknowledgedBy ? { acknowledgedBy: a.acknowledgedBy } : {}),
      ...(a.acknowledgedAt !== undefined
        ? { acknowledgedAt: iso(a.acknowledgedAt) }
        : {}),
      firstSeen: new Date(a.firstSeen).toISOString(),
      lastSeen: new Date(a.lastSeen).toISOString(),
      firedAt: new Date(a.firedAt).toISOString(),
      ...(a.resolvedAt !== undefined ? { resolvedAt: iso(a.resolvedAt) } : {}),
      value: a.value,
      threshold: a.threshold,
      detail: a.detail,
    };
  }
}

/** Who acted: the user's ref, or the service's subject. */
function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? `${p.type ?? 'service'}:${p.subject ?? 'unknown'}`;
}

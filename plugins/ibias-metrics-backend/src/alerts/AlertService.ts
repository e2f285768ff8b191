import type {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  evaluateAlert,
  manualTransition,
  metricsAlertUpdatePermission,
  parseDuration,
  type AlertAction,
  type AlertObservation,
  type AlertRule,
  type AlertStatus,
  type AlertTiming,
} from '@internal/plugin-ibias-metrics-common';
import type {
  AlertFilter,
  AlertStore,
  StoredAlert,
} from '../database/KnexAlertStore';

/** The longest silence: past it, resolve the alert or change the rule. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

/** Where a lifecycle step's actions go: notifications, signals, PagerDuty. */
export interface AlertDelivery {
  deliver(
    alert: StoredAlert,
    action: AlertAction | 'acknowledge',
  ): Promise<void>;
}

/** A rule as the evaluator takes it: the seed's or a KPI's. */
export type EvaluatedRule = Pick<
  AlertRule,
  'id' | 'name' | 'severity' | 'comparator' | 'threshold' | 'summary'
> &
  AlertTiming;

/**
 * Alerts: the lifecycle applied to observations (pending → firing → acknowledged or
 * silenced → resolved), persisted compare-and-set, delivered, and changed by people with
 * the permission who own the alert's subject.
 */
export class AlertService {
  constructor(
    private readonly options: {
      store: AlertStore;
      delivery: AlertDelivery;
      permissions: PermissionsService;
      userInfo: Pick<UserInfoService, 'getUserInfo'>;
      auditor?: AuditorService;
      logger: LoggerService;
      /** Rule names by id, for display. */
      ruleNames: (ruleId: string) => string;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /**
   * One evaluation of `rule` for `subject`. Returns the alert after it (undefined when
   * none is open and none was opened).
   */
  async evaluate(
    rule: EvaluatedRule,
    subject: string,
    observation: AlertObservation | undefined,
    context: {
      owner?: string;
      evidence: Record<string, number | string | null>;
    },
  ): Promise<StoredAlert | undefined> {
    const { store } = this.options;
    const now = this.now();
    const open = await store.open(rule.id, subject);
    // The cooldown gates a pending alert's firing, so it is read while one is pending
    // too: a breach opened inside the cooldown must not fire once `for` has passed.
    const lastResolved =
      open && open.status !== 'pending'
        ? undefined
        : await store.lastResolvedAt(rule.id, subject);
    const step = evaluateAlert(rule, open, observation, now, lastResolved);
    if (!step.changed || !step.next) return open;
    const next: Omit<StoredAlert, 'id' | 'revision'> = {
      ...(open ?? {
        ruleId: rule.id,
        subject,
        severity: rule.severity,
        owner: context.owner,
        summary: rule.summary,
      }),
      ...step.next,
      evidence: context.evidence,
    };
    let saved: StoredAlert;
    try {
      saved = open
        ? await store.update(open, { ...open, ...next }, now)
        : await store.create(next, now);
    } catch (e) {
      // Another replica evaluated the same rule and subject first: its write stands.
      if (e instanceof ConflictError) return store.open(rule.id, subject);
      throw e;
    }
    for (const action of step.actions) {
      await this.options.delivery
        .deliver(saved, action)
        .catch(e =>
          this.options.logger.warn(
            `Delivering ${action} of alert ${saved.id} failed: ${e}`,
          ),
        );
    }
    return saved;
  }

  async list(filter: AlertFilter) {
    return this.options.store.list(filter);
  }

  /** Alerts whose owner is one of the caller's groups (or the caller). */
  async mine(credentials: BackstageCredentials, limit: number) {
    const claims = await this.claims(credentials);
    const open = await this.options.store.list({ status: 'open', limit: 500 });
    return open
      .filter(
        a => a.owner && claims.includes(a.owner.toLocaleLowerCase('en-US')),
      )
      .slice(0, limit);
  }

  async get(id: string) {
    const alert = await this.options.store.get(id);
    if (!alert) throw new NotFoundError(`No alert ${id}`);
    return { alert, history: await this.options.store.history(id) };
  }

  /** Acknowledge, silence or resolve, by someone allowed who owns the alert's subject. */
  async act(
    id: string,
    action: 'acknowledge' | 'silence' | 'resolve',
    body: { silenceFor?: string; comment?: string },
    credentials: BackstageCredentials,
  ): Promise<StoredAlert> {
    const auditorEvent = await this.options.auditor?.createEvent({
      eventId: `alert-${action}`,
      severityLevel: 'medium',
      meta: { alertId: id },
      request: undefined,
    });
    try {
      const alert = await this.options.store.get(id);
      if (!alert) throw new NotFoundError(`No alert ${id}`);
      const [decision] = await this.options.permissions.authorize(
        [{ permission: metricsAlertUpdatePermission }],
        { credentials },
      );
      const claims = await this.claims(credentials);
      // An alert nobody owns (the catalog named no owner) is changed by nobody: it
      // resolves by itself when its condition clears.
      const owns =
        alert.owner !== undefined &&
        claims.includes(alert.owner.toLocaleLowerCase('en-US'));
      if (decision.result !== AuthorizeResult.ALLOW || !owns) {
        throw new NotAllowedError(
          alert.owner
            ? `Only the owners of ${alert.subject} may ${action} its alerts`
            : `The alert on ${alert.subject} has no owner in the catalog, so nobody may ${action} it; it resolves when its condition clears`,
        );
      }
      const to = manualTransition(alert.status, action);
      if (!to) {
        throw new ConflictError(
          `A ${alert.status} alert cannot be ${
            action === 'acknowledge' ? 'acknowledged' : `${action}d`
          }`,
        );
      }
      if (action === 'silence' && !body.silenceFor) {
        throw new InputError('request/body/silenceFor is required to silence');
      }
      if (
        action === 'silence' &&
        parseDuration(body.silenceFor ?? '0s') > MAX_SILENCE_MS
      ) {
        throw new InputError(
          'request/body/silenceFor must be at most 30d: a longer silence hides the alert for good',
        );
      }
      const now = this.now();
      const actor = claims[0];
      const next: StoredAlert = {
        ...alert,
        status: to as AlertStatus,
        ...(action === 'acknowledge' ? { acknowledgedBy: actor } : {}),
        ...(action === 'silence'
          ? { silencedUntil: now + parseDuration(body.silenceFor ?? '0s') }
          : {}),
        ...(action === 'resolve'
          ? { resolvedAt: now, silencedUntil: undefined }
          : {}),
      };
      const saved = await this.options.store.update(
        alert,
        next,
        now,
        actor,
        body.comment,
      );
      if (action === 'acknowledge' || (action === 'resolve' && alert.firedAt)) {
        await this.options.delivery
          .deliver(saved, action)
          .catch(e =>
            this.options.logger.warn(
              `Delivering ${action} of alert ${saved.id} failed: ${e}`,
            ),
          );
      }
      await auditorEvent?.success({ meta: { status: to } });
      return saved;
    } catch (error) {
      await auditorEvent?.fail({ error: error as Error });
      throw error;
    }
  }

  private async claims(credentials: BackstageCredentials): Promise<string[]> {
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'user') return [];
    const info = await this.options.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
  }
}

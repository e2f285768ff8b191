import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Button,
  Card,
  CardBody,
  Flex,
  Select,
  Skeleton,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  EmptyState,
  ErrorState,
  ToneTag,
  formatUtcTime,
  useUrlState,
  type Tone,
} from '@internal/ibias-react';
import {
  AI_ALERTS_SIGNAL_CHANNEL,
  formatAlertValue,
  type AiAlertSignal,
} from '@internal/plugin-ibias-ai-costs-common';
import {
  ibiasAiCostsApiRef,
  type AiAlert,
  type AlertListView,
} from '../../api';

const VIEWS: Array<{ value: AlertListView; label: string }> = [
  { value: 'active', label: 'Active' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'open', label: 'All open' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

const STATE_TONES: Record<AiAlert['state'], Tone> = {
  firing: 'danger',
  acknowledged: 'warning',
  snoozed: 'neutral',
  resolved: 'success',
};

const ACTIONS: Record<AiAlert['action'], string> = {
  scale: 'scale',
  fallback: 'fall back',
  notify: 'notify',
};

/** The snoozes offered: an hour, or until the same time tomorrow. */
const SNOOZES = [
  { minutes: 60, label: 'Snooze 1 h' },
  { minutes: 24 * 60, label: 'Snooze 1 day' },
];

const labelOf = (ref: string) => ref.split('/').pop() ?? ref;

/**
 * Signals come in bursts (one evaluation changes many alerts, each signalled): the
 * signals of a second are one reload, a second after the first of them.
 */
export const SIGNAL_RELOAD_DELAY_MS = 1000;

/** What the alert is about and what it measured, in words. */
function describe(a: AiAlert): string {
  const subject =
    a.scope.kind === 'team'
      ? `team ${labelOf(a.scope.ref)}`
      : labelOf(a.scope.ref);
  const version =
    typeof a.detail.version === 'string' ? ` · deploy ${a.detail.version}` : '';
  return `${subject} · ${formatAlertValue(
    a.unit,
    a.value,
  )} against ${formatAlertValue(a.unit, a.threshold)}${version}`;
}

function AlertRow(props: {
  alert: AiAlert;
  busy: boolean;
  onAcknowledge: () => void;
  onSnooze: (minutes: number) => void;
}) {
  const a = props.alert;
  const canAcknowledge = a.state === 'firing' || a.state === 'snoozed';
  const canSnooze = a.state !== 'resolved';
  return (
    <Flex
      justify="between"
      align="center"
      gap="3"
      data-testid={`alert-${a.id}`}
      style={{
        borderBottom: '1px solid var(--bui-border-1)',
        paddingBottom: 'var(--bui-space-2)',
        flexWrap: 'wrap',
      }}
    >
      <Flex direction="column" gap="1">
        <Flex gap="2" align="center">
          <ToneTag tone={a.severity === 'critical' ? 'danger' : 'warning'}>
            {a.severity}
          </ToneTag>
          <Text weight="bold">{a.ruleName}</Text>
          <Text variant="body-small" color="secondary">
            → {ACTIONS[a.action]}
          </Text>
        </Flex>
        <Text variant="body-small" color="secondary">
          {describe(a)}
        </Text>
        <Text variant="body-x-small" color="secondary">
          Fired {formatUtcTime(a.firedAt)}
          {a.state === 'resolved' && a.resolvedAt
            ? ` · resolved ${formatUtcTime(a.resolvedAt)}`
            : ` · last seen ${formatUtcTime(a.lastSeen)}`}
          {a.acknowledgedBy &&
            a.state === 'acknowledged' &&
            ` · acknowledged by ${labelOf(a.acknowledgedBy)}`}
          {a.state === 'snoozed' &&
            a.snoozedUntil &&
            ` · snoozed until ${formatUtcTime(a.snoozedUntil)}`}
        </Text>
      </Flex>
      <Flex gap="2" align="center">
        <ToneTag tone={STATE_TONES[a.state]}>{a.state}</ToneTag>
        {canAcknowledge && (
          <Button
            size="small"
            variant="secondary"
            isDisabled={props.busy}
            onPress={props.onAcknowledge}
          >
            Acknowledge
          </Button>
        )}
        {canSnooze &&
          SNOOZES.map(s => (
            <Button
              key={s.minutes}
              size="small"
              variant="tertiary"
              isDisabled={props.busy}
              onPress={() => props.onSnooze(s.minutes)}
            >
              {s.label}
            </Button>
          ))}
      </Flex>
    </Flex>
  );
}

/**
 * AI cost alerts the reader may see (all of a service's on its tab), acknowledged and
 * snoozed in place, reloaded whenever the backend signals a change.
 */
export function AlertsView(props: { entityRef?: string; title?: string }) {
  const api = useApi(ibiasAiCostsApiRef);
  const [state, setState] = useUrlState({ alerts: 'active' });
  const view: AlertListView = VIEWS.some(v => v.value === state.alerts)
    ? (state.alerts as AlertListView)
    : 'active';
  const [alerts, setAlerts] = useState<AiAlert[]>();
  const [error, setError] = useState<Error>();
  const [failure, setFailure] = useState<Error>();
  const [busy, setBusy] = useState<string>();

  // Only the latest request's answer is shown: an earlier one may answer after it.
  const latestRequest = useRef(0);
  const load = useCallback(() => {
    const request = ++latestRequest.current;
    setError(undefined);
    api.alerts({ state: view, entityRef: props.entityRef, limit: 200 }).then(
      r => {
        if (request === latestRequest.current) setAlerts(r.items);
      },
      e => {
        if (request === latestRequest.current) setError(e);
      },
    );
  }, [api, view, props.entityRef]);
  useEffect(() => {
    setAlerts(undefined);
    load();
  }, [load]);

  // Live: every state change is signalled; the list reloads what the reader may see, at
  // most once a second (with the filter as it is then).
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const pendingReload = useRef<ReturnType<typeof setTimeout>>();
  const { lastSignal } = useSignal<AiAlertSignal>(AI_ALERTS_SIGNAL_CHANNEL);
  useEffect(() => {
    if (!lastSignal || pendingReload.current) return;
    pendingReload.current = setTimeout(() => {
      pendingReload.current = undefined;
      latestLoad.current();
    }, SIGNAL_RELOAD_DELAY_MS);
  }, [lastSignal]);
  useEffect(() => () => clearTimeout(pendingReload.current), []);

  const act = (a: AiAlert, work: () => Promise<AiAlert>) => {
    setBusy(a.id);
    work()
      .then(() => {
        setFailure(undefined);
        load();
      })
      .catch(setFailure)
      .finally(() => setBusy(undefined));
  };

  return (
    <Flex direction="column" gap="3" data-testid="ai-alerts">
      <Flex justify="between" align="end" gap="3" style={{ flexWrap: 'wrap' }}>
        <Text variant="title-x-small" as="h3">
          {props.title ?? 'Alerts'}
        </Text>
        <div style={{ width: 170 }}>
          <Select
            label="Show"
            options={VIEWS}
            selectedKey={view}
            onSelectionChange={k => setState({ alerts: String(k) })}
          />
        </div>
      </Flex>
      {failure && (
        <ErrorState title="The alert was not changed" error={failure} />
      )}
      {error && (
        <ErrorState
          title="AI cost alerts could not be loaded"
          error={error}
          onRetry={load}
        />
      )}
      <Card>
        <CardBody>
          {!alerts && !error && (
            <Flex direction="column" gap="2" data-testid="alerts-loading">
              <Skeleton style={{ height: 48 }} />
              <Skeleton style={{ height: 48 }} />
            </Flex>
          )}
          {alerts && alerts.length === 0 && (
            <EmptyState
              title={
                view === 'active'
                  ? 'No active AI cost alerts'
                  : 'No alerts match this filter'
              }
              description={
                props.entityRef
                  ? "Alerts on this service's AI latency, errors, cost, hourly spikes and deploys appear here."
                  : 'Alerts on the AI latency, errors, cost, spikes and deploys of the teams you may see appear here.'
              }
            />
          )}
          {alerts && alerts.length > 0 && (
            <Flex direction="column" gap="2" data-testid="alert-list">
              {alerts.map(a => (
                <AlertRow
                  key={a.id}
                  alert={a}
                  busy={busy === a.id}
                  onAcknowledge={() => act(a, () => api.acknowledgeAlert(a.id))}
                  onSnooze={minutes =>
                    act(a, () => api.snoozeAlert(a.id, { minutes }))
                  }
                />
              ))}
            </Flex>
          )}
        </CardBody>
      </Card>
    </Flex>
  );
}

import type { ReactNode } from 'react';
import { Flex, Text } from '@backstage/ui';
import { ToneTag, type Tone } from '@internal/ibias-react';
import type { Alert } from '../../api';

const SEVERITY_TONES: Record<string, Tone> = {
  critical: 'danger',
  warning: 'warning',
  info: 'neutral',
};

/** A severity (or a status drawn in its severity's tone) as a small rounded label. */
export function SeverityTag(props: { tone: string; children: ReactNode }) {
  return (
    <ToneTag tone={SEVERITY_TONES[props.tone] ?? 'neutral'}>
      {props.children}
    </ToneTag>
  );
}

const round = (v: number) =>
  Math.abs(v) >= 100
    ? Math.round(v).toLocaleString()
    : String(Math.round(v * 1000) / 1000);

/** Open alerts: severity, rule, subject, status and since when. */
export function AlertList(props: {
  alerts: Alert[];
  actions?: (alert: Alert) => ReactNode;
}) {
  return (
    <Flex direction="column" gap="2" data-testid="alert-list">
      {props.alerts.map(a => (
        <Flex
          key={a.id}
          justify="between"
          align="center"
          gap="3"
          style={{
            borderBottom: '1px solid var(--bui-border-1)',
            paddingBottom: 'var(--bui-space-2)',
          }}
        >
          <Flex direction="column" gap="1">
            <Flex gap="2" align="center">
              <SeverityTag tone={a.severity}>{a.severity}</SeverityTag>
              <Text weight="bold">{a.ruleName}</Text>
            </Flex>
            <Text variant="body-small" color="secondary">
              {a.subject} · {a.summary} · value {round(a.lastValue)} · since{' '}
              {new Date(a.pendingSince).toLocaleString()}
            </Text>
          </Flex>
          <Flex gap="2" align="center">
            <SeverityTag tone={a.status === 'firing' ? a.severity : 'info'}>
              {a.status}
            </SeverityTag>
            {props.actions?.(a)}
          </Flex>
        </Flex>
      ))}
    </Flex>
  );
}

import type { ReactNode } from 'react';
import { Flex, Text } from '@backstage/ui';
import type { Alert } from '../../api';

const TONES: Record<
  string,
  { background: string; color: string; borderColor: string }
> = {
  critical: {
    background: 'var(--bui-negative-bg-subdued)',
    color: 'var(--bui-negative-fg-subdued)',
    borderColor: 'var(--bui-negative-border)',
  },
  warning: {
    background: 'var(--bui-warning-bg-subdued)',
    color: 'var(--bui-warning-fg-subdued)',
    borderColor: 'var(--bui-warning-border)',
  },
  info: {
    background: 'var(--bui-bg-neutral-2)',
    color: 'var(--bui-fg-secondary)',
    borderColor: 'var(--bui-border-1)',
  },
};

/** A small rounded label in the theme's tone for a severity or status. */
export function SeverityTag(props: { tone: string; children: ReactNode }) {
  return (
    <span
      data-tone={props.tone}
      style={{
        ...(TONES[props.tone] ?? TONES.info),
        borderWidth: 1,
        borderStyle: 'solid',
        display: 'inline-flex',
        padding: '1px 8px',
        borderRadius: 'var(--bui-radius-full)',
        fontSize: 'var(--bui-font-size-2)',
        fontWeight: 'var(--bui-font-weight-bold)' as 'bold',
        whiteSpace: 'nowrap',
      }}
    >
      {props.children}
    </span>
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

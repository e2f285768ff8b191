import type { ReactNode } from 'react';
import type {
  DeploymentStatus,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import { HEALTH_TONES, STATUS_TONES, toneColors, type Tone } from './tones';

export const statusLabel = (s: DeploymentStatus) => s.replace('_', ' ');

/** A small rounded label in a tone of the theme. */
export function ToneTag(props: {
  tone: Tone;
  children: ReactNode;
  'data-testid'?: string;
}) {
  return (
    <span
      data-testid={props['data-testid']}
      data-tone={props.tone}
      style={{
        ...toneColors(props.tone),
        borderWidth: 1,
        borderStyle: 'solid',
        display: 'inline-flex',
        alignItems: 'center',
        padding: '2px 8px',
        borderRadius: 'var(--bui-radius-full)',
        fontSize: 'var(--bui-font-size-2)',
        fontWeight: 'var(--bui-font-weight-bold)' as 'bold',
        lineHeight: 1.4,
        whiteSpace: 'nowrap',
      }}
    >
      {props.children}
    </span>
  );
}

/** A deployment's status. */
export function StatusTag({ status }: { status: DeploymentStatus }) {
  return (
    <ToneTag tone={STATUS_TONES[status]} data-testid={`status-${status}`}>
      {statusLabel(status)}
    </ToneTag>
  );
}

/** Whether what takes an environment's traffic answers healthily. */
export function HealthTag(props: { health: Health; 'data-testid'?: string }) {
  return (
    <ToneTag
      tone={HEALTH_TONES[props.health]}
      data-testid={props['data-testid']}
    >
      {props.health}
    </ToneTag>
  );
}

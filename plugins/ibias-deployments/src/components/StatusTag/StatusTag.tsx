import type {
  DeploymentStatus,
  Health,
} from '@internal/plugin-ibias-deployments-common';
import { ToneTag } from '@internal/ibias-react';
import { HEALTH_TONES, STATUS_TONES } from './tones';

export { ToneTag };

export const statusLabel = (s: DeploymentStatus) => s.replace('_', ' ');

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

import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { DeploymentStatus } from '@internal/plugin-ibias-deployments-common';

const colors: Record<DeploymentStatus, { bg: string; fg: string }> = {
  pending_approval: { bg: '#fff4e5', fg: '#8a4b00' },
  queued: { bg: '#eef2f7', fg: '#3b4a5e' },
  running: { bg: '#e3f2fd', fg: '#0b4f8a' },
  succeeded: { bg: '#e6f4ea', fg: '#1e6b34' },
  failed: { bg: '#fdecea', fg: '#a11a12' },
  rolled_back: { bg: '#fdecea', fg: '#8a1c12' },
  aborted: { bg: '#f1f1f1', fg: '#4a4a4a' },
};

const useStyles = makeStyles({ chip: { fontWeight: 600, height: 22 } });

export const statusLabel = (s: DeploymentStatus) => s.replace('_', ' ');

export function StatusChip({ status }: { status: DeploymentStatus }) {
  const classes = useStyles();
  const c = colors[status];
  return (
    <Chip
      size="small"
      className={classes.chip}
      label={statusLabel(status)}
      style={{ backgroundColor: c.bg, color: c.fg }}
      data-testid={`status-${status}`}
    />
  );
}

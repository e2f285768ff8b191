import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Paper from '@material-ui/core/Paper';
import Step from '@material-ui/core/Step';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  isTerminal,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import { duration, evidenceThreshold, evidenceValue, shortRef } from './format';
import { StatusChip } from './StatusChip';

const NOWRAP = { whiteSpace: 'nowrap' as const };

const VERDICT_COLORS = {
  pass: '#1e6b34',
  fail: '#a11a12',
  inconclusive: '#8a4b00',
};

export interface DeploymentDetailsProps {
  deployment: Deployment;
  onAbort?(): void;
  onApprove?(): void;
  onRollback?(): void;
  busy?: boolean;
  /** Why an action is disabled (permissions, own request), shown next to it. */
  denied?: Partial<Record<'approve' | 'abort' | 'rollback', string>>;
}

/** The live step timeline, the outcome and every piece of evidence. */
export function DeploymentDetails({
  deployment: d,
  ...props
}: DeploymentDetailsProps) {
  const active = d.steps.findIndex(s => s.status === 'running');
  const failed = d.status === 'failed' || d.status === 'rolled_back';
  const offered = {
    approve: d.status === 'pending_approval' && Boolean(props.onApprove),
    abort: !isTerminal(d.status) && Boolean(props.onAbort),
    rollback: d.status === 'succeeded' && Boolean(props.onRollback),
  };
  const denied = props.denied ?? {};
  const reasons = [
    ...new Set(
      (['approve', 'abort', 'rollback'] as const)
        .filter(a => offered[a] && denied[a])
        .map(a => denied[a]!),
    ),
  ];
  return (
    <Paper variant="outlined" data-testid="deployment-details">
      <Box p={2}>
        <Box
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          <Typography variant="h6">
            {d.version} to {d.environment}
          </Typography>
          <StatusChip status={d.status} />
          <Typography variant="body2" color="textSecondary">
            {d.strategy} · from {d.previousVersion ?? 'nothing'} · by{' '}
            {shortRef(d.initiatedBy)}
            {d.approvedBy
              ? ` · approved by ${shortRef(d.approvedBy)}`
              : ''} · {duration(d.startedAt ?? d.createdAt, d.finishedAt)}
          </Typography>
          <Box flex={1} />
          {offered.approve && (
            <Button
              variant="contained"
              color="primary"
              size="small"
              disabled={props.busy || Boolean(denied.approve)}
              title={denied.approve ?? ''}
              onClick={props.onApprove}
              data-testid="approve"
            >
              Approve {d.version}
            </Button>
          )}
          {offered.abort && (
            <Button
              variant="outlined"
              size="small"
              disabled={props.busy || Boolean(denied.abort)}
              title={denied.abort ?? ''}
              onClick={props.onAbort}
              data-testid="abort"
            >
              Abort
            </Button>
          )}
          {offered.rollback && (
            <Button
              variant="outlined"
              size="small"
              disabled={props.busy || Boolean(denied.rollback)}
              title={denied.rollback ?? ''}
              onClick={props.onRollback}
              data-testid="rollback"
            >
              Roll back
            </Button>
          )}
        </Box>
        {reasons.length > 0 && (
          <Typography
            variant="caption"
            color="textSecondary"
            component="p"
            align="right"
            data-testid="actions-denied"
          >
            {reasons.join(' · ')}
          </Typography>
        )}
        {d.reason && (
          <Alert
            severity={failed ? 'error' : 'info'}
            style={{ marginTop: 8 }}
            data-testid="deployment-reason"
          >
            {d.reason}
          </Alert>
        )}
        {d.breakGlassReason && (
          <Alert
            severity="warning"
            style={{ marginTop: 8 }}
            data-testid="break-glass-reason"
          >
            Break-glass: {shortRef(d.initiatedBy)} rolled back without a release
            manager’s approval — “{d.breakGlassReason}”
          </Alert>
        )}
        {d.status === 'pending_approval' && d.approvalExpiresAt && (
          <Alert severity="info" style={{ marginTop: 8 }}>
            Waiting for a release manager other than {shortRef(d.initiatedBy)};
            the request expires{' '}
            {new Date(d.approvalExpiresAt).toLocaleTimeString()}.
          </Alert>
        )}
        <Stepper
          activeStep={active < 0 ? d.steps.length : active}
          alternativeLabel
          style={{ padding: '16px 0', overflowX: 'auto' }}
        >
          {d.steps.map(s => (
            <Step
              key={s.id}
              completed={s.status === 'succeeded'}
              data-testid={`step-${s.id}`}
              data-status={s.status}
            >
              <StepLabel
                error={s.status === 'failed'}
                optional={
                  <Typography variant="caption" color="textSecondary">
                    {s.status === 'skipped'
                      ? 'skipped'
                      : duration(s.startedAt, s.finishedAt)}
                  </Typography>
                }
              >
                {s.name}
              </StepLabel>
            </Step>
          ))}
        </Stepper>
        <Typography variant="subtitle2">Evidence</Typography>
        {d.evidence.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No checks have run yet.
          </Typography>
        ) : (
          <Table size="small" data-testid="evidence">
            <TableHead style={{ whiteSpace: 'nowrap' }}>
              <TableRow>
                <TableCell>Step</TableCell>
                <TableCell>Check</TableCell>
                <TableCell>Value</TableCell>
                <TableCell>Threshold</TableCell>
                <TableCell>Samples</TableCell>
                <TableCell>Window</TableCell>
                <TableCell>Verdict</TableCell>
                <TableCell>Query</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {d.evidence.map((e, i) => (
                <TableRow key={i} data-verdict={e.verdict}>
                  <TableCell style={NOWRAP} title={e.at}>
                    {e.stepId}
                  </TableCell>
                  <TableCell style={NOWRAP}>{e.check}</TableCell>
                  <TableCell style={NOWRAP}>
                    <strong>{evidenceValue(e.check, e.value)}</strong>
                  </TableCell>
                  <TableCell style={NOWRAP}>
                    {evidenceThreshold(e.check, e.threshold)}
                  </TableCell>
                  <TableCell>{e.samples}</TableCell>
                  <TableCell>
                    {e.windowSeconds ? `${e.windowSeconds} s` : '—'}
                  </TableCell>
                  <TableCell
                    style={{
                      color: VERDICT_COLORS[e.verdict],
                      fontWeight: 600,
                    }}
                  >
                    {e.verdict}
                    {e.verdict === 'fail' && e.consecutiveBreaches
                      ? ` (${e.consecutiveBreaches} in a row)`
                      : ''}
                  </TableCell>
                  <TableCell>
                    <Typography variant="caption" color="textSecondary">
                      {e.detail ? `${e.query} → ${e.detail}` : e.query}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </Paper>
  );
}

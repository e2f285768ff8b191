import { useEffect, useState } from 'react';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  rollbackTargets,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef } from '../api';
import { DialogFooter } from './DialogFooter';
import { ago, shortRef } from './format';

export interface RollbackDialogProps {
  /** The deployment to roll back from (it names the service and environment). */
  deployment: Deployment;
  /** What runs in that environment now. */
  currentVersion?: string;
  onClose(): void;
  onRolledBack(rollback: Deployment): void;
}

/** Confirm a rollback, to the previous version or a chosen earlier one. */
export function RollbackDialog(props: RollbackDialogProps) {
  const api = useApi(ibiasDeploymentsApiRef);
  const { entityRef, environment } = props.deployment;
  const [candidates, setCandidates] = useState<Deployment[]>();
  const [version, setVersion] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .list({ entityRef, environment, status: ['succeeded'], limit: 100 })
      .then(page => {
        const found = rollbackTargets(page.items, props.currentVersion);
        setCandidates(found);
        setVersion(found[0]?.version ?? '');
      })
      .catch(e => setError(e.message));
  }, [api, entityRef, environment, props.currentVersion]);

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      props.onRolledBack(await api.rollback(props.deployment.id, version));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const service = shortRef(entityRef);
  return (
    <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle>
        Roll back {service} in {environment}
      </DialogTitle>
      <DialogContent>
        {!candidates && !error && <Progress />}
        {candidates && candidates.length === 0 && (
          <Alert severity="info" data-testid="rollback-none">
            No earlier version of {service} ran successfully in {environment}
            {props.currentVersion ? ` before ${props.currentVersion}` : ''}.
          </Alert>
        )}
        {candidates && candidates.length > 0 && (
          <>
            <FormControl fullWidth margin="dense">
              <InputLabel id="rollback-version">Roll back to</InputLabel>
              <Select
                labelId="rollback-version"
                data-testid="rollback-version"
                value={version}
                onChange={e => setVersion(e.target.value as string)}
              >
                {candidates.map((c, i) => (
                  <MenuItem key={c.version} value={c.version}>
                    {c.version}
                    {i === 0 ? ' (the previous version)' : ''} · deployed{' '}
                    {ago(c.createdAt)} by {shortRef(c.initiatedBy)}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <Typography
              variant="body2"
              color="textSecondary"
              style={{ marginTop: 12 }}
            >
              Blue-green: {version} starts next to{' '}
              {props.currentVersion ?? 'the current version'}, passes its health
              checks and smoke tests, then takes all traffic; if it fails,{' '}
              {props.currentVersion ?? 'the current version'} keeps serving.
            </Typography>
          </>
        )}
      </DialogContent>
      <DialogFooter
        error={error}
        onCancel={props.onClose}
        onConfirm={confirm}
        confirmDisabled={busy || !version}
        confirmTestId="confirm-rollback"
      >
        Roll back to {version || '…'}
      </DialogFooter>
    </Dialog>
  );
}

import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import Dialog from '@material-ui/core/Dialog';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  STRATEGIES,
  type Deployment,
  type EnvironmentName,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef, type DeploymentPlan } from '../api';
import { DialogFooter } from './DialogFooter';

export interface DeployDialogProps {
  entityRef: string;
  environment: EnvironmentName;
  currentVersion?: string;
  onClose(): void;
  onDeployed(deployment: Deployment): void;
}

/** Choose version and strategy, see the dry-run plan, then deploy. */
export function DeployDialog(props: DeployDialogProps) {
  const api = useApiSafe();
  const [versions, setVersions] = useState<string[] | undefined>();
  const [anyVersion, setAnyVersion] = useState(false);
  const [version, setVersion] = useState('');
  const [strategy, setStrategy] = useState<Strategy>('blue-green');
  const [plan, setPlan] = useState<DeploymentPlan | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api
      .versions(props.entityRef, props.environment)
      .then(r => {
        setVersions(r.versions);
        setAnyVersion(r.anyVersion);
        setVersion(
          // Newest first: the newest version that does not already run.
          r.versions.find(v => v !== props.currentVersion) ?? '',
        );
      })
      .catch(e => setError(e.message));
  }, [api, props.entityRef, props.environment, props.currentVersion]);

  useEffect(() => {
    setPlan(undefined);
    if (!version) return;
    setError(undefined);
    api
      .plan({
        entityRef: props.entityRef,
        environment: props.environment,
        version,
        strategy,
      })
      .then(setPlan)
      .catch(e => setError(e.message));
  }, [api, props.entityRef, props.environment, version, strategy]);

  const deploy = async () => {
    setBusy(true);
    try {
      props.onDeployed(
        await api.deploy({
          entityRef: props.entityRef,
          environment: props.environment,
          version,
          strategy,
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Deploy to {props.environment}</DialogTitle>
      <DialogContent>
        {!versions && !error && <Progress />}
        {versions && (
          <>
            {anyVersion ? (
              <TextField
                fullWidth
                margin="dense"
                label="Version (as the pipeline tagged the image)"
                value={version}
                onChange={e => setVersion(e.target.value.trim())}
                inputProps={{ 'data-testid': 'version-input' }}
              />
            ) : (
              <FormControl fullWidth margin="dense">
                <InputLabel id="version-label">Version</InputLabel>
                <Select
                  labelId="version-label"
                  value={version}
                  onChange={e => setVersion(String(e.target.value))}
                  inputProps={{ 'data-testid': 'version-select' }}
                >
                  {versions.map(v => (
                    <MenuItem
                      key={v}
                      value={v}
                      disabled={v === props.currentVersion}
                    >
                      {v}
                      {v === props.currentVersion ? ' (running)' : ''}
                    </MenuItem>
                  ))}
                </Select>
              </FormControl>
            )}
            <FormControl component="fieldset" margin="normal">
              <FormLabel component="legend">Strategy</FormLabel>
              <RadioGroup
                row
                value={strategy}
                onChange={e => setStrategy(e.target.value as Strategy)}
              >
                {STRATEGIES.map(s => (
                  <FormControlLabel
                    key={s}
                    value={s}
                    control={<Radio />}
                    label={s}
                  />
                ))}
              </RadioGroup>
            </FormControl>
          </>
        )}
        {plan && (
          <Box mt={1} data-testid="deploy-plan">
            <Typography variant="subtitle2">
              Plan: {plan.previousVersion ?? 'nothing'} → {plan.version}
            </Typography>
            <ol style={{ margin: '4px 0 8px', paddingLeft: 20 }}>
              {plan.steps.map(s => (
                <li key={s.id}>
                  <Typography variant="body2">{s.name}</Typography>
                </li>
              ))}
            </ol>
            <Typography variant="body2" color="textSecondary">
              Rolls back by itself when the error rate exceeds{' '}
              {plan.analysis.errorRate * 100} % or p95 latency{' '}
              {plan.analysis.p95LatencyMs} ms for{' '}
              {plan.analysis.consecutiveBreaches} consecutive intervals of{' '}
              {plan.analysis.intervalSeconds} s (at least{' '}
              {plan.analysis.minSamples} requests each; less data never
              promotes).
            </Typography>
            {plan.needsApproval && (
              <Alert severity="info" style={{ marginTop: 8 }}>
                Production: the deployment waits for a release manager's
                approval.
              </Alert>
            )}
            {plan.lockedBy && (
              <Alert severity="warning" style={{ marginTop: 8 }}>
                Deployment {plan.lockedBy} holds this environment.
              </Alert>
            )}
          </Box>
        )}
      </DialogContent>
      <DialogFooter
        error={error}
        onCancel={props.onClose}
        onConfirm={deploy}
        confirmDisabled={!plan || busy || Boolean(plan.lockedBy)}
        confirmTestId="confirm-deploy"
      >
        Deploy {version}
      </DialogFooter>
    </Dialog>
  );
}

function useApiSafe() {
  return useApi(ibiasDeploymentsApiRef);
}

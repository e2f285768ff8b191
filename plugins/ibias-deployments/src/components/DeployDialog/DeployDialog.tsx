import { useEffect, useState } from 'react';
import {
  Alert,
  Box,
  Dialog,
  DialogBody,
  DialogHeader,
  Flex,
  Radio,
  RadioGroup,
  Select,
  Skeleton,
  Text,
  TextField,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  STRATEGIES,
  type Deployment,
  type EnvironmentName,
  type Strategy,
} from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef, type DeploymentPlan } from '../../api';
import { DialogActions } from '../DialogActions';

export interface DeployDialogProps {
  entityRef: string;
  environment: EnvironmentName;
  currentVersion?: string;
  onClose(): void;
  onDeployed(deployment: Deployment): void;
}

/** Choose version and strategy, see the dry-run plan, then deploy. */
export function DeployDialog(props: DeployDialogProps) {
  const api = useApi(ibiasDeploymentsApiRef);
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
    <Dialog
      isOpen
      onOpenChange={open => !open && props.onClose()}
      width={560}
      data-testid="deploy-dialog"
    >
      <DialogHeader>Deploy to {props.environment}</DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="4">
          {!versions && !error && (
            <Flex direction="column" gap="2" aria-label="Loading versions">
              <Skeleton width="40%" height={16} />
              <Skeleton width="100%" height={32} />
            </Flex>
          )}
          {versions && anyVersion && (
            <TextField
              label="Version (as the pipeline tagged the image)"
              value={version}
              onChange={v => setVersion(v.trim())}
              data-testid="version-input"
            />
          )}
          {versions && !anyVersion && versions.length === 0 && (
            <Alert
              status="info"
              icon
              title={`No version of this service has been built for ${props.environment} yet.`}
            />
          )}
          {versions && !anyVersion && versions.length > 0 && (
            <Select
              label="Version"
              data-testid="version-select"
              value={version || null}
              onChange={v => setVersion(v ? String(v) : '')}
              options={versions.map(v => ({
                id: v,
                label: v === props.currentVersion ? `${v} (running)` : v,
                disabled: v === props.currentVersion,
              }))}
            />
          )}
          {versions && (
            <RadioGroup
              label="Strategy"
              orientation="horizontal"
              value={strategy}
              onChange={v => setStrategy(v as Strategy)}
            >
              {STRATEGIES.map(s => (
                <Radio key={s} value={s}>
                  {s}
                </Radio>
              ))}
            </RadioGroup>
          )}
          {plan && (
            <Box data-testid="deploy-plan">
              <Text as="h4" variant="body-medium" weight="bold">
                Plan: {plan.previousVersion ?? 'nothing'} → {plan.version}
              </Text>
              <ol style={{ margin: 'var(--bui-space-1) 0 var(--bui-space-2)' }}>
                {plan.steps.map(s => (
                  <li key={s.id}>
                    <Text variant="body-medium">{s.name}</Text>
                  </li>
                ))}
              </ol>
              <Text as="p" variant="body-medium" color="secondary">
                Rolls back by itself when the error rate exceeds{' '}
                {plan.analysis.errorRate * 100} % or p95 latency{' '}
                {plan.analysis.p95LatencyMs} ms for{' '}
                {plan.analysis.consecutiveBreaches} consecutive intervals of{' '}
                {plan.analysis.intervalSeconds} s (at least{' '}
                {plan.analysis.minSamples} requests each; less data never
                promotes).
              </Text>
              {plan.needsApproval && (
                <Box mt="2">
                  <Alert
                    status="info"
                    icon
                    title="Production: the deployment waits for a release manager's approval."
                  />
                </Box>
              )}
              {plan.lockedBy && (
                <Box mt="2">
                  <Alert
                    status="warning"
                    icon
                    title={`Deployment ${plan.lockedBy} holds this environment.`}
                  />
                </Box>
              )}
            </Box>
          )}
        </Flex>
      </DialogBody>
      <DialogActions
        error={error}
        onCancel={props.onClose}
        onConfirm={deploy}
        busy={busy}
        confirmDisabled={!plan || busy || Boolean(plan.lockedBy)}
        confirmTestId="confirm-deploy"
      >
        Deploy {version}
      </DialogActions>
    </Dialog>
  );
}

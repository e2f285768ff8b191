import { useEffect, useState } from 'react';
import {
  Alert,
  Box,
  Checkbox,
  Dialog,
  DialogBody,
  DialogHeader,
  Select,
  Skeleton,
  Text,
  TextAreaField,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  rollbackTargets,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef } from '../../api';
import { DialogActions } from '../DialogActions';
import { ago, shortRef } from '../format';

export interface RollbackDialogProps {
  /** The deployment to roll back from (it names the service and environment). */
  deployment: Deployment;
  /** What runs in that environment now. */
  currentVersion?: string;
  onClose(): void;
  onRolledBack(rollback: Deployment): void;
}

/** How long a break-glass reason must be (the server checks the same). */
export const BREAK_GLASS_REASON = { min: 10, max: 500 } as const;

/**
 * Confirm a rollback, to the previous version or a chosen earlier one. In production
 * it waits for a release manager's approval; an owner may break the glass instead,
 * with a reason that is kept, audited and sent to the release managers.
 */
export function RollbackDialog(props: RollbackDialogProps) {
  const api = useApi(ibiasDeploymentsApiRef);
  const { entityRef, environment } = props.deployment;
  const [candidates, setCandidates] = useState<Deployment[]>();
  const [version, setVersion] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const production = environment === 'production';
  const [breakGlass, setBreakGlass] = useState(false);
  const [reason, setReason] = useState('');
  const reasonLength = reason.trim().length;
  let reasonProblem: string | undefined;
  if (reasonLength < BREAK_GLASS_REASON.min) {
    reasonProblem = `Say why in at least ${BREAK_GLASS_REASON.min} characters`;
  } else if (reasonLength > BREAK_GLASS_REASON.max) {
    reasonProblem = `At most ${BREAK_GLASS_REASON.max} characters`;
  }

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
      props.onRolledBack(
        await api.rollback(props.deployment.id, {
          version,
          ...(production && breakGlass
            ? { breakGlass: { reason: reason.trim() } }
            : {}),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  const service = shortRef(entityRef);
  return (
    <Dialog
      isOpen
      onOpenChange={open => !open && props.onClose()}
      width={600}
      data-testid="rollback-dialog"
    >
      <DialogHeader>
        Roll back {service} in {environment}
      </DialogHeader>
      <DialogBody>
        {!candidates && !error && (
          <Box aria-label="Loading earlier versions">
            <Skeleton width="100%" height={32} />
          </Box>
        )}
        {candidates && candidates.length === 0 && (
          <Alert
            status="info"
            icon
            data-testid="rollback-none"
            title={`No earlier version of ${service} ran successfully in ${environment}${
              props.currentVersion ? ` before ${props.currentVersion}` : ''
            }.`}
          />
        )}
        {candidates && candidates.length > 0 && (
          <>
            <Select
              label="Roll back to"
              data-testid="rollback-version"
              value={version || null}
              onChange={v => setVersion(v ? String(v) : '')}
              options={candidates.map((c, i) => ({
                id: c.version,
                label: `${c.version}${
                  i === 0 ? ' (the previous version)' : ''
                } · deployed ${ago(c.createdAt)} by ${shortRef(c.initiatedBy)}`,
              }))}
            />
            <Text
              as="p"
              variant="body-medium"
              color="secondary"
              style={{ marginTop: 'var(--bui-space-3)' }}
            >
              Blue-green: {version} starts next to{' '}
              {props.currentVersion ?? 'the current version'}, passes its health
              checks and smoke tests, then takes all traffic; if it fails,{' '}
              {props.currentVersion ?? 'the current version'} keeps serving.
            </Text>
            {production && (
              <Box mt="4" data-testid="rollback-production">
                <Alert
                  status="warning"
                  icon
                  title="A production rollback needs a release manager’s approval"
                  description={
                    breakGlass
                      ? `Break-glass: ${version} runs now, without approval. Your name and reason are kept on the deployment, audited, and sent to the release managers.`
                      : `The rollback waits until a release manager other than you approves ${version}, as for a deploy; nothing changes in production until then.`
                  }
                />
                <Box mt="3">
                  <Checkbox
                    isSelected={breakGlass}
                    onChange={setBreakGlass}
                    data-testid="break-glass"
                  >
                    Break glass: production is broken now and cannot wait for
                    approval
                  </Checkbox>
                </Box>
                {breakGlass && (
                  // A neutral surface, so the field stands out from the dialog's paper
                  // in light and dark mode alike (it is drawn one level above it).
                  <Box mt="3" bg="neutral">
                    <TextAreaField
                      label="Why can this not wait?"
                      description={`${BREAK_GLASS_REASON.min}–${BREAK_GLASS_REASON.max} characters; the release managers read it.`}
                      isRequired
                      value={reason}
                      onChange={setReason}
                      maxLength={BREAK_GLASS_REASON.max}
                      data-testid="break-glass-reason"
                    />
                  </Box>
                )}
              </Box>
            )}
          </>
        )}
      </DialogBody>
      <DialogActions
        error={
          error ??
          (production && breakGlass && reason ? reasonProblem : undefined)
        }
        onCancel={props.onClose}
        onConfirm={confirm}
        busy={busy}
        confirmDisabled={
          busy || !version || (production && breakGlass && !!reasonProblem)
        }
        confirmTestId="confirm-rollback"
      >
        {!production && <>Roll back to {version || '…'}</>}
        {production && !breakGlass && (
          <>Request approval to roll back to {version || '…'}</>
        )}
        {production && breakGlass && (
          <>Break glass: roll back to {version || '…'} now</>
        )}
      </DialogActions>
    </Dialog>
  );
}

import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  approvePermission,
  deployPermission,
  ENVIRONMENTS_ANNOTATION,
  rollbackPermission,
  targetResourceRef,
  type Deployment,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { DeployDialog } from '../DeployDialog';
import { RollbackDialog } from '../RollbackDialog';
import { EnvironmentConfigCard } from '../EnvironmentConfigCard';
import { DeploymentDetails } from '../DeploymentDetails';
import { EnvironmentMatrix } from '../EnvironmentMatrix';
import { HistoryTable } from '../HistoryTable';
import { shortRef } from '../format';
import { useDeployments, useSignedInUser } from '../useDeployments';
import { HealthBanner } from '../HealthBanner';

/** What shows while the first answers load: the shape of the tab, not a spinner. */
export function DeploymentsLoading() {
  return (
    <Flex direction="column" gap="4" aria-label="Loading deployments">
      <Flex gap="4">
        {[0, 1, 2].map(i => (
          <Skeleton key={i} width="33%" height={160} />
        ))}
      </Flex>
      <Skeleton width="100%" height={200} />
    </Flex>
  );
}

/** An error from the deployments backend, with what it said. */
export function DeploymentsError({ error }: { error: Error }) {
  return (
    <Alert
      status="danger"
      icon
      role="alert"
      title="The deployments backend did not answer"
      description={error.message}
      data-testid="deployments-error"
    />
  );
}

type PermissionCheck = { loading: boolean; allowed: boolean };

/** The reason, once the permission check has answered no (never while it loads). */
function denyUnlessAllowed(
  check: PermissionCheck,
  reason: string,
): string | undefined {
  return !check.loading && !check.allowed ? reason : undefined;
}

function approveReason(
  d: Deployment,
  me: string | undefined,
  check: PermissionCheck,
): string | undefined {
  return (
    denyUnlessAllowed(
      check,
      'Only release managers approve production deployments',
    ) ??
    (d.initiatedBy === me
      ? 'You requested it: another release manager approves'
      : undefined)
  );
}

/** The entity page's Deployments tab. */
export function DeploymentsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const state = useDeployments(entityRef);
  const [deployTo, setDeployTo] = useState<EnvironmentName>();
  const [rollingBack, setRollingBack] = useState<Deployment>();
  const [actionError, setActionError] = useState<string>();
  const [acting, setActing] = useState(false);
  const me = useSignedInUser();
  const owner = shortRef(String(entity.spec?.owner ?? '')) || 'its owner';
  const onlyOwners = (verb: string) =>
    `Only members of ${owner} may ${verb} ${entity.metadata.name}`;
  const notOwner = onlyOwners('deploy');
  // One check per environment, in a fixed order (hooks).
  const canDeploy = {
    development: usePermission({
      permission: deployPermission,
      resourceRef: targetResourceRef(entityRef, 'development'),
    }),
    staging: usePermission({
      permission: deployPermission,
      resourceRef: targetResourceRef(entityRef, 'staging'),
    }),
    production: usePermission({
      permission: deployPermission,
      resourceRef: targetResourceRef(entityRef, 'production'),
    }),
  };
  const selectedTarget = state.selected
    ? targetResourceRef(entityRef, state.selected.environment)
    : undefined;
  const canRollback = usePermission({
    permission: rollbackPermission,
    resourceRef: selectedTarget,
  });
  const canApprove = usePermission({
    permission: approvePermission,
    resourceRef: selectedTarget,
  });

  if (state.loading && !state.error) return <DeploymentsLoading />;
  if (state.error && state.loading) {
    return <DeploymentsError error={state.error} />;
  }

  const act = async (fn: () => Promise<Deployment>) => {
    setActing(true);
    setActionError(undefined);
    try {
      state.select(await fn());
      await state.refresh();
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setActing(false);
    }
  };
  const selected = state.selected;

  return (
    <Flex direction="column" gap="4">
      <HealthBanner />
      {state.error && <DeploymentsError error={state.error} />}
      <EnvironmentMatrix
        environments={state.environments ?? []}
        inFlight={state.inFlight}
        onDeploy={setDeployTo}
        onSelect={d => state.select(d)}
        deployDenied={Object.fromEntries(
          Object.entries(canDeploy)
            .map(([env, p]) => [env, denyUnlessAllowed(p, notOwner)])
            .filter(([, reason]) => reason),
        )}
      />
      {actionError && (
        <Alert
          status="danger"
          icon
          role="alert"
          title={actionError}
          data-testid="action-error"
          customActions={
            <Button
              size="small"
              variant="tertiary"
              onPress={() => setActionError(undefined)}
            >
              Dismiss
            </Button>
          }
        />
      )}
      {selected && (
        <DeploymentDetails
          deployment={selected}
          busy={acting}
          onAbort={() => act(() => state.api.abort(selected.id))}
          onApprove={() =>
            act(() => state.api.approve(selected.id, selected.version))
          }
          onRollback={() => setRollingBack(selected)}
          denied={{
            approve: approveReason(selected, me, canApprove),
            abort: denyUnlessAllowed(
              canDeploy[selected.environment],
              onlyOwners('abort'),
            ),
            rollback: denyUnlessAllowed(canRollback, onlyOwners('roll back')),
          }}
        />
      )}
      <Card aria-label="History">
        <CardHeader>
          <Text as="h3" variant="title-small" weight="bold">
            History
          </Text>
        </CardHeader>
        <CardBody>
          {state.history &&
          state.history.length === 0 &&
          Object.values(state.filter).every(v => !v) ? (
            <Text as="p" color="secondary" data-testid="history-empty">
              {entity.metadata.name} has not been deployed from the portal yet.
              Choose Deploy on an environment above.
            </Text>
          ) : (
            <HistoryTable
              items={state.history ?? []}
              filter={state.filter}
              onFilter={state.setFilter}
              onSelect={d => state.select(d)}
              selectedId={selected?.id}
              me={me}
              hasMore={state.hasMore}
              loadingMore={state.loadingMore}
              onMore={state.more}
            />
          )}
        </CardBody>
      </Card>
      <EnvironmentConfigCard
        entityRef={entityRef}
        annotation={entity.metadata.annotations?.[ENVIRONMENTS_ANNOTATION]}
      />
      {rollingBack && (
        <RollbackDialog
          deployment={rollingBack}
          currentVersion={
            state.environments?.find(
              e => e.environment === rollingBack.environment,
            )?.version
          }
          onClose={() => setRollingBack(undefined)}
          onRolledBack={d => {
            setRollingBack(undefined);
            state.select(d);
            state.refresh();
          }}
        />
      )}
      {deployTo && (
        <DeployDialog
          entityRef={entityRef}
          environment={deployTo}
          currentVersion={
            state.environments?.find(e => e.environment === deployTo)?.version
          }
          onClose={() => setDeployTo(undefined)}
          onDeployed={d => {
            setDeployTo(undefined);
            state.select(d);
            state.refresh();
          }}
        />
      )}
    </Flex>
  );
}

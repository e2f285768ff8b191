import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  isTerminal,
  type Deployment,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { DeployDialog } from './DeployDialog';
import { DeploymentDetails } from './DeploymentDetails';
import { EnvironmentMatrix } from './EnvironmentMatrix';
import { HistoryTable } from './HistoryTable';
import { useDeployments } from './useDeployments';

/** The entity page's Deployments tab. */
export function DeploymentsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const state = useDeployments(entityRef);
  const [deployTo, setDeployTo] = useState<EnvironmentName>();
  const [actionError, setActionError] = useState<string>();
  const [acting, setActing] = useState(false);

  if (state.loading && !state.error) return <Progress />;
  if (state.error && !state.environments) {
    return <ResponseErrorPanel error={state.error} />;
  }

  const inFlight: Partial<Record<EnvironmentName, Deployment>> = {};
  for (const d of state.history ?? []) {
    if (!isTerminal(d.status) && !inFlight[d.environment]) {
      inFlight[d.environment] = d;
    }
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
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      {state.error && <ResponseErrorPanel error={state.error} />}
      <EnvironmentMatrix
        environments={state.environments ?? []}
        inFlight={inFlight}
        onDeploy={setDeployTo}
        onSelect={d => state.select(d)}
      />
      {actionError && (
        <Alert severity="error" onClose={() => setActionError(undefined)}>
          {actionError}
        </Alert>
      )}
      {selected && (
        <DeploymentDetails
          deployment={selected}
          busy={acting}
          onAbort={() => act(() => state.api.abort(selected.id))}
          onApprove={() =>
            act(() => state.api.approve(selected.id, selected.version))
          }
          onRollback={() => act(() => state.api.rollback(selected.id))}
        />
      )}
      <InfoCard title="History">
        {state.history &&
        state.history.length === 0 &&
        !state.filter.environment &&
        !state.filter.status ? (
          <Typography color="textSecondary" data-testid="history-empty">
            {entity.metadata.name} has not been deployed from the portal yet.
            Choose Deploy on an environment above.
          </Typography>
        ) : (
          <HistoryTable
            items={state.history ?? []}
            filter={state.filter}
            onFilter={state.setFilter}
            onSelect={d => state.select(d)}
            selectedId={selected?.id}
            hasMore={state.hasMore}
            onMore={state.more}
          />
        )}
      </InfoCard>
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
    </Box>
  );
}

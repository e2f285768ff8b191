import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Box from '@material-ui/core/Box';
import {
  Content,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEffect, useState } from 'react';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Alert from '@material-ui/lab/Alert';
import {
  ENVIRONMENTS,
  ENVIRONMENTS_ANNOTATION,
} from '@internal/plugin-ibias-deployments-common';
import { DeploymentDetails } from './DeploymentDetails';
import { HistoryTable } from './HistoryTable';
import { ago, shortRef } from './format';
import { useDeployments, useSignedInUser } from './useDeployments';

/** The catalog's deployable services: components that name an environments file. */
function useDeployableServices() {
  const catalogApi = useApi(catalogApiRef);
  const [services, setServices] = useState<Entity[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    catalogApi
      .getEntities({
        filter: {
          kind: 'Component',
          [`metadata.annotations.${ENVIRONMENTS_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata.name', 'metadata.namespace', 'spec.owner'],
      })
      .then(r => setServices(r.items), setError);
  }, [catalogApi]);
  return { services, error };
}

/** Portal-wide: what runs where across all services, and every deployment. */
export function DeploymentsPage() {
  const state = useDeployments();
  const deployable = useDeployableServices();
  const me = useSignedInUser();
  const catalogPending = !deployable.services && !deployable.error;
  if ((state.loading || catalogPending) && !state.error) return <Progress />;
  if (state.error && !state.environments) {
    return (
      <Content>
        <ResponseErrorPanel error={state.error} />
      </Content>
    );
  }
  // Every deployable service, deployed or not, and whatever runs without an annotation.
  const owners = new Map(
    (deployable.services ?? []).map(e => [
      stringifyEntityRef(e),
      String(e.spec?.owner ?? ''),
    ]),
  );
  const services = [
    ...new Set([
      ...owners.keys(),
      ...(state.environments ?? []).map(e => e.entityRef),
    ]),
  ].sort((a, b) =>
    parseEntityRef(a).name.localeCompare(parseEntityRef(b).name),
  );
  return (
    <Content>
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <InfoCard title="Environment matrix">
          {deployable.error && (
            <Alert severity="warning" style={{ marginBottom: 8 }}>
              The catalog did not answer ({deployable.error.message}); only
              services deployed from the portal are listed.
            </Alert>
          )}
          {services.length === 0 ? (
            <Typography color="textSecondary" data-testid="matrix-empty">
              No service names an environments file (annotation{' '}
              {ENVIRONMENTS_ANNOTATION}) and nothing has been deployed from the
              portal yet. Create one from the ibias-service template.
            </Typography>
          ) : (
            <Table size="small" data-testid="matrix">
              <TableHead>
                <TableRow>
                  <TableCell>Service</TableCell>
                  <TableCell>Owner</TableCell>
                  {ENVIRONMENTS.map(env => (
                    <TableCell key={env}>{env}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {services.map(ref => {
                  const name = parseEntityRef(ref);
                  return (
                    <TableRow key={ref} data-service={name.name}>
                      <TableCell>
                        <Link
                          to={`/catalog/${
                            name.namespace
                          }/${name.kind.toLocaleLowerCase('en-US')}/${
                            name.name
                          }/deployments`}
                        >
                          {name.name}
                        </Link>
                      </TableCell>
                      <TableCell>{shortRef(owners.get(ref)) || '—'}</TableCell>
                      {ENVIRONMENTS.map(env => {
                        const s = state.environments!.find(
                          e => e.entityRef === ref && e.environment === env,
                        );
                        return (
                          <TableCell key={env}>
                            {s ? (
                              <>
                                <strong>{s.version}</strong>
                                <Typography
                                  variant="caption"
                                  display="block"
                                  color="textSecondary"
                                >
                                  {s.health} · {s.strategy} · {ago(s.since)} ·{' '}
                                  {shortRef(s.deployedBy)}
                                  {s.lockedBy ? ' · deploying' : ''}
                                </Typography>
                              </>
                            ) : (
                              <Typography
                                variant="caption"
                                color="textSecondary"
                              >
                                not deployed
                              </Typography>
                            )}
                          </TableCell>
                        );
                      })}
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </InfoCard>
        {state.selected && <DeploymentDetails deployment={state.selected} />}
        <InfoCard title="All deployments">
          <HistoryTable
            items={state.history ?? []}
            filter={state.filter}
            onFilter={state.setFilter}
            onSelect={d => state.select(d)}
            selectedId={state.selected?.id}
            services={services}
            me={me}
            hasMore={state.hasMore}
            onMore={state.more}
          />
        </InfoCard>
      </Box>
    </Content>
  );
}

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
import { parseEntityRef } from '@backstage/catalog-model';
import { ENVIRONMENTS } from '@internal/plugin-ibias-deployments-common';
import { DeploymentDetails } from './DeploymentDetails';
import { HistoryTable } from './HistoryTable';
import { ago, shortRef } from './format';
import { useDeployments } from './useDeployments';

/** Portal-wide: what runs where across all services, and every deployment. */
export function DeploymentsPage() {
  const state = useDeployments();
  if (state.loading && !state.error) return <Progress />;
  if (state.error && !state.environments) {
    return (
      <Content>
        <ResponseErrorPanel error={state.error} />
      </Content>
    );
  }
  const services = [
    ...new Set((state.environments ?? []).map(e => e.entityRef)),
  ];
  return (
    <Content>
      <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
        <InfoCard title="Environment matrix">
          {services.length === 0 ? (
            <Typography color="textSecondary" data-testid="matrix-empty">
              Nothing has been deployed from the portal yet. Open a service in
              the catalog and use its Deployments tab.
            </Typography>
          ) : (
            <Table size="small" data-testid="matrix">
              <TableHead>
                <TableRow>
                  <TableCell>Service</TableCell>
                  {ENVIRONMENTS.map(env => (
                    <TableCell key={env}>{env}</TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {services.map(ref => {
                  const name = parseEntityRef(ref);
                  return (
                    <TableRow key={ref}>
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
                                —
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
            showService
            hasMore={state.hasMore}
            onMore={state.more}
          />
        </InfoCard>
      </Box>
    </Content>
  );
}

import { useEffect, useState } from 'react';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Cell,
  Column,
  Container,
  Flex,
  Link,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  ENVIRONMENTS,
  ENVIRONMENTS_ANNOTATION,
} from '@internal/plugin-ibias-deployments-common';
import {
  DeploymentsError,
  DeploymentsLoading,
} from '../DeploymentsContent/DeploymentsContent';
import { DeploymentDetails } from '../DeploymentDetails';
import { HistoryTable } from '../HistoryTable';
import { HealthTag } from '../StatusTag';
import { ago, shortRef } from '../format';
import { useDeployments, useSignedInUser } from '../useDeployments';
import { HealthBanner } from '../HealthBanner';

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
  // The catalog's own route to an entity; the Deployments tab is this plugin's path.
  const entityLink = useEntityRefLink();
  const catalogPending = !deployable.services && !deployable.error;
  let content;
  if ((state.loading || catalogPending) && !state.error) {
    content = <DeploymentsLoading />;
  } else if (state.error && state.loading) {
    content = <DeploymentsError error={state.error} />;
  } else {
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
    content = (
      <Flex direction="column" gap="4">
        <HealthBanner />
        {state.error && <DeploymentsError error={state.error} />}
        <Card aria-label="Environment matrix">
          <CardHeader>
            <Text as="h2" variant="title-small" weight="bold">
              Environment matrix
            </Text>
          </CardHeader>
          <CardBody>
            {deployable.error && (
              <Alert
                status="warning"
                icon
                title={`The catalog did not answer (${deployable.error.message}); only services deployed from the portal are listed.`}
                style={{ marginBottom: 'var(--bui-space-3)' }}
              />
            )}
            {services.length === 0 ? (
              <Text as="p" color="secondary" data-testid="matrix-empty">
                No service names an environments file (annotation{' '}
                {ENVIRONMENTS_ANNOTATION}) and nothing has been deployed from
                the portal yet. Create one from the ibias-service template.
              </Text>
            ) : (
              <TableRoot aria-label="Environment matrix" data-testid="matrix">
                <TableHeader>
                  <Column isRowHeader>Service</Column>
                  <Column>Owner</Column>
                  {ENVIRONMENTS.map(env => (
                    <Column key={env} id={env}>
                      {env}
                    </Column>
                  ))}
                </TableHeader>
                <TableBody>
                  {services.map(ref => {
                    const name = parseEntityRef(ref);
                    return (
                      <Row key={ref} id={ref} data-service={name.name}>
                        <Cell>
                          <Link href={`${entityLink(ref)}/deployments`}>
                            {name.name}
                          </Link>
                        </Cell>
                        <Cell>{shortRef(owners.get(ref)) || '—'}</Cell>
                        {ENVIRONMENTS.map(env => {
                          const s = state.environments!.find(
                            e => e.entityRef === ref && e.environment === env,
                          );
                          return (
                            <Cell key={env}>
                              {s ? (
                                <Flex direction="column" gap="1">
                                  <Flex align="center" gap="2">
                                    <Text weight="bold">{s.version}</Text>
                                    <HealthTag health={s.health} />
                                  </Flex>
                                  <Text variant="body-small" color="secondary">
                                    {s.strategy} · {ago(s.since)} ·{' '}
                                    {shortRef(s.deployedBy)}
                                    {s.lockedBy ? ' · deploying' : ''}
                                  </Text>
                                </Flex>
                              ) : (
                                <Text variant="body-small" color="secondary">
                                  not deployed
                                </Text>
                              )}
                            </Cell>
                          );
                        })}
                      </Row>
                    );
                  })}
                </TableBody>
              </TableRoot>
            )}
          </CardBody>
        </Card>
        {state.selected && <DeploymentDetails deployment={state.selected} />}
        <Card aria-label="All deployments">
          <CardHeader>
            <Text as="h2" variant="title-small" weight="bold">
              All deployments
            </Text>
          </CardHeader>
          <CardBody>
            <HistoryTable
              items={state.history ?? []}
              filter={state.filter}
              onFilter={state.setFilter}
              onSelect={d => state.select(d)}
              selectedId={state.selected?.id}
              services={services}
              me={me}
              hasMore={state.hasMore}
              loadingMore={state.loadingMore}
              onMore={state.more}
            />
          </CardBody>
        </Card>
      </Flex>
    );
  }
  return <Container py="4">{content}</Container>;
}

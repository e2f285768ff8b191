import { useEffect, useState } from 'react';
import {
  Alert,
  Box,
  Card,
  CardBody,
  CardHeader,
  Cell,
  Column,
  Flex,
  Grid,
  Link,
  Row,
  Select,
  Skeleton,
  Tab,
  TabList,
  TabPanel,
  TableBody,
  TableHeader,
  TableRoot,
  Tabs,
  Text,
} from '@backstage/ui';
import { RiCheckboxCircleFill, RiErrorWarningFill } from '@remixicon/react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  diffConfigs,
  ENVIRONMENTS,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { stringify } from 'yaml';
import { ibiasDeploymentsApiRef, type EnvironmentConfigs } from '../../api';
import { repositoryLocation } from './repositoryLocation';

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

export interface EnvironmentConfigCardProps {
  entityRef: string;
  /**
   * The entity's environments annotation (a path relative to its catalog file), shown
   * when the backend's source is not a place in the repository.
   */
  annotation?: string;
}

/** Where the file lives: a link into the repository, or its path there. */
function FileLocation(props: { source?: string; annotation?: string }) {
  const where =
    repositoryLocation(props.source) ?? repositoryLocation(props.annotation);
  if (!where) return null;
  return (
    <Text
      as="p"
      variant="body-small"
      color="secondary"
      data-testid="config-source"
    >
      {'url' in where ? (
        <>
          from{' '}
          <Link href={where.url} target="_blank" rel="noopener noreferrer">
            {where.url}
          </Link>
        </>
      ) : (
        <>
          from <code>{where.path}</code> in the service’s repository
        </>
      )}
    </Text>
  );
}

/** Each environment's config (secrets masked), its baseline results, and a diff. */
export function EnvironmentConfigCard(props: EnvironmentConfigCardProps) {
  const { entityRef } = props;
  const api = useApi(ibiasDeploymentsApiRef);
  const [configs, setConfigs] = useState<EnvironmentConfigs>();
  const [error, setError] = useState<string>();
  const [env, setEnv] = useState<EnvironmentName>('production');
  const [left, setLeft] = useState<EnvironmentName>('staging');
  const [right, setRight] = useState<EnvironmentName>('production');

  useEffect(() => {
    api
      .configs(entityRef)
      .then(setConfigs)
      .catch(e => setError(e.message));
  }, [api, entityRef]);

  const header = (
    <CardHeader>
      <Text as="h3" variant="title-small" weight="bold">
        Configuration
      </Text>
      {configs && (
        <FileLocation source={configs.source} annotation={props.annotation} />
      )}
    </CardHeader>
  );

  if (error || !configs) {
    return (
      <Card aria-label="Configuration">
        {header}
        <CardBody>
          {error ? (
            <Alert status="danger" icon title={error} />
          ) : (
            <Flex direction="column" gap="2" aria-label="Loading configuration">
              <Skeleton width="60%" height={16} />
              <Skeleton width="100%" height={96} />
            </Flex>
          )}
        </CardBody>
      </Card>
    );
  }
  const diff = diffConfigs(
    configs.environments[left]?.config,
    configs.environments[right]?.config,
  );
  const failing = ENVIRONMENTS.flatMap(e =>
    (configs.environments[e]?.baseline ?? [])
      .filter(b => !b.passed)
      .map(b => `${e}: ${b.description} (${b.detail})`),
  );
  const envOptions = ENVIRONMENTS.map(e => ({ id: e, label: e }));

  return (
    <Card aria-label="Configuration">
      {header}
      <CardBody>
        <Flex direction="column" gap="3" data-testid="environment-config">
          {configs.errors.length > 0 && (
            <Alert
              status="warning"
              icon
              data-testid="config-errors"
              title={configs.errors.map(e => (
                <div key={e}>{e}</div>
              ))}
            />
          )}
          {Object.keys(configs.environments).length === 0 &&
            configs.errors.length === 0 && (
              <Text as="p" color="secondary" data-testid="config-empty">
                The environments file names no environment.
              </Text>
            )}
          {Object.keys(configs.environments).length > 0 && (
            <>
              <Alert
                status={failing.length ? 'danger' : 'success'}
                icon
                data-testid="baseline-summary"
                title={
                  failing.length
                    ? `${failing.length} baseline rule(s) fail: ${failing.join(
                        '; ',
                      )}`
                    : 'Every environment meets the baseline'
                }
              />
              <Tabs
                selectedKey={env}
                onSelectionChange={k => setEnv(k as EnvironmentName)}
              >
                <TabList aria-label="Environment">
                  {ENVIRONMENTS.map(e => (
                    <Tab key={e} id={e}>
                      {e}
                    </Tab>
                  ))}
                </TabList>
                {ENVIRONMENTS.map(e => {
                  const current = configs.environments[e];
                  return (
                    <TabPanel key={e} id={e}>
                      {current ? (
                        <Grid.Root
                          columns={{ initial: '1', md: '12' }}
                          gap="4"
                          mt="3"
                        >
                          <Grid.Item colSpan={{ initial: '1', md: '5' }}>
                            <Text as="h4" variant="body-medium" weight="bold">
                              Baseline
                            </Text>
                            <ul
                              data-testid={`baseline-${e}`}
                              style={{ listStyle: 'none', padding: 0 }}
                            >
                              {current.baseline.map(b => (
                                <li
                                  key={b.rule}
                                  data-passed={b.passed}
                                  style={{
                                    display: 'flex',
                                    gap: 'var(--bui-space-2)',
                                    marginBottom: 'var(--bui-space-2)',
                                  }}
                                >
                                  {b.passed ? (
                                    <RiCheckboxCircleFill
                                      size={18}
                                      aria-label="passes"
                                      color="var(--bui-fg-positive)"
                                    />
                                  ) : (
                                    <RiErrorWarningFill
                                      size={18}
                                      aria-label="fails"
                                      color="var(--bui-fg-negative)"
                                    />
                                  )}
                                  <Flex direction="column">
                                    <Text variant="body-medium">
                                      {b.description}
                                    </Text>
                                    {!b.passed && (
                                      <Text
                                        variant="body-small"
                                        color="secondary"
                                      >
                                        {b.detail}
                                      </Text>
                                    )}
                                  </Flex>
                                </li>
                              ))}
                            </ul>
                          </Grid.Item>
                          <Grid.Item colSpan={{ initial: '1', md: '7' }}>
                            <Text as="h4" variant="body-medium" weight="bold">
                              Config (secrets are references or masked)
                            </Text>
                            <pre
                              data-testid={`config-${e}`}
                              style={{
                                fontFamily: 'var(--bui-font-monospace)',
                                fontSize: 'var(--bui-font-size-2)',
                                background: 'var(--bui-bg-neutral-2)',
                                color: 'var(--bui-fg-primary)',
                                padding: 'var(--bui-space-3)',
                                borderRadius: 'var(--bui-radius-2)',
                                overflowX: 'auto',
                              }}
                            >
                              {stringify(current.config)}
                            </pre>
                          </Grid.Item>
                        </Grid.Root>
                      ) : (
                        <Text as="p" color="secondary" style={{ marginTop: 8 }}>
                          No valid {e} configuration.
                        </Text>
                      )}
                    </TabPanel>
                  );
                })}
              </Tabs>
              <Text as="h4" variant="body-medium" weight="bold">
                Compare environments
              </Text>
              <Flex align="end" gap="3" data-testid="config-compare">
                <Box style={{ width: 200 }}>
                  <Select
                    label="Left"
                    options={envOptions}
                    value={left}
                    onChange={v => v && setLeft(v as EnvironmentName)}
                  />
                </Box>
                <Box style={{ width: 200 }}>
                  <Select
                    label="Right"
                    options={envOptions}
                    value={right}
                    onChange={v => v && setRight(v as EnvironmentName)}
                  />
                </Box>
              </Flex>
              {diff.length === 0 ? (
                <Text as="p" color="secondary" data-testid="config-diff-empty">
                  {left} and {right} are the same.
                </Text>
              ) : (
                <Box data-testid="config-diff">
                  <TableRoot
                    aria-label={`Differences between ${left} and ${right}`}
                  >
                    <TableHeader>
                      <Column isRowHeader style={{ width: '34%' }}>
                        Setting
                      </Column>
                      <Column style={{ width: '33%' }}>{left}</Column>
                      <Column style={{ width: '33%' }}>{right}</Column>
                    </TableHeader>
                    <TableBody>
                      {diff.map(d => (
                        <Row key={d.path} id={d.path}>
                          <Cell>
                            <code>{d.path}</code>
                          </Cell>
                          <Cell>{show(d.left)}</Cell>
                          <Cell>{show(d.right)}</Cell>
                        </Row>
                      ))}
                    </TableBody>
                  </TableRoot>
                </Box>
              )}
            </>
          )}
        </Flex>
      </CardBody>
    </Card>
  );
}

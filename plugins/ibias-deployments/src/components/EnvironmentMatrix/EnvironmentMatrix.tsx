import {
  Box,
  Button,
  Card,
  CardBody,
  CardFooter,
  CardHeader,
  Flex,
  Grid,
  Text,
} from '@backstage/ui';
import {
  ENVIRONMENTS,
  type Deployment,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import type { EnvironmentView } from '../../api';
import { ago, shortRef } from '../format';
import { HealthTag, StatusTag } from '../StatusTag';

export interface EnvironmentMatrixProps {
  environments: EnvironmentView[];
  /** The newest deployment per environment, if any is in flight. */
  inFlight: Partial<Record<EnvironmentName, Deployment>>;
  onDeploy(environment: EnvironmentName): void;
  onSelect(deployment: Deployment): void;
  /** Per environment: why this user may not deploy there (disables the button). */
  deployDenied?: Partial<Record<EnvironmentName, string>>;
}

/** A version's share of the traffic, as a bar drawn in the theme's colours. */
function TrafficBar({ version, weight }: { version: string; weight: number }) {
  return (
    <Flex align="center" gap="2">
      <Text variant="body-small" style={{ width: 64 }}>
        {version}
      </Text>
      <div
        role="meter"
        aria-label={`Traffic to ${version}`}
        aria-valuenow={weight}
        aria-valuemin={0}
        aria-valuemax={100}
        style={{
          flex: 1,
          height: 6,
          borderRadius: 'var(--bui-radius-full)',
          background: 'var(--bui-bg-neutral-3)',
          overflow: 'hidden',
        }}
      >
        <div
          style={{
            width: `${weight}%`,
            height: '100%',
            background: 'var(--bui-accent-bg)',
          }}
        />
      </div>
      <Text variant="body-small" style={{ width: 40, textAlign: 'right' }}>
        {weight}%
      </Text>
    </Flex>
  );
}

/** One card per environment: what runs, since when, by whom, how, and its traffic. */
export function EnvironmentMatrix(props: EnvironmentMatrixProps) {
  return (
    <Grid.Root columns={{ initial: '1', md: '3' }} gap="4">
      {ENVIRONMENTS.map(env => {
        const state = props.environments.find(e => e.environment === env);
        const running = props.inFlight[env];
        const denied = props.deployDenied?.[env];
        return (
          <Card
            key={env}
            data-testid={`environment-${env}`}
            aria-label={`${env} environment`}
            style={{ height: '100%' }}
          >
            <CardHeader>
              <Text
                as="h3"
                variant="body-small"
                weight="bold"
                color="secondary"
                style={{ textTransform: 'uppercase', letterSpacing: '0.08em' }}
              >
                {env}
              </Text>
            </CardHeader>
            <CardBody>
              {state ? (
                <Flex direction="column" gap="2">
                  <Flex align="center" gap="2">
                    <Text
                      variant="title-medium"
                      weight="bold"
                      data-testid={`version-${env}`}
                    >
                      {state.version}
                    </Text>
                    <HealthTag
                      health={state.health}
                      data-testid={`health-${env}`}
                    />
                  </Flex>
                  <Text variant="body-medium" color="secondary">
                    {state.strategy} · {ago(state.since)} by{' '}
                    {shortRef(state.deployedBy)}
                  </Text>
                  <Flex direction="column" gap="1">
                    {Object.entries(state.traffic).map(([v, w]) => (
                      <TrafficBar key={v} version={v} weight={w} />
                    ))}
                    {Object.keys(state.traffic).length === 0 && (
                      <Text variant="body-small" color="secondary">
                        {state.health === 'starting'
                          ? `Starting ${state.version} again after the portal restarted…`
                          : 'No traffic routed since the backend started'}
                      </Text>
                    )}
                  </Flex>
                </Flex>
              ) : (
                <Text as="p" color="secondary">
                  Nothing deployed yet
                </Text>
              )}
              {running && (
                <Flex
                  mt="3"
                  align="center"
                  gap="2"
                  data-testid={`in-flight-${env}`}
                >
                  <StatusTag status={running.status} />
                  <Button
                    variant="tertiary"
                    size="small"
                    onPress={() => props.onSelect(running)}
                  >
                    {running.version} — follow
                  </Button>
                </Flex>
              )}
            </CardBody>
            <CardFooter>
              <Flex align="center" gap="3">
                <Button
                  variant="primary"
                  size="small"
                  isDisabled={Boolean(running) || Boolean(denied)}
                  aria-describedby={
                    denied || running ? `deploy-why-${env}` : undefined
                  }
                  onPress={() => props.onDeploy(env)}
                  data-testid={`deploy-${env}`}
                >
                  Deploy
                </Button>
                {denied && (
                  <Text
                    id={`deploy-why-${env}`}
                    variant="body-small"
                    color="secondary"
                    data-testid={`deploy-denied-${env}`}
                  >
                    {denied}
                  </Text>
                )}
                {!denied && running && (
                  <Box display="none" id={`deploy-why-${env}`}>
                    Deployment {running.id} is in flight
                  </Box>
                )}
              </Flex>
            </CardFooter>
          </Card>
        );
      })}
    </Grid.Root>
  );
}

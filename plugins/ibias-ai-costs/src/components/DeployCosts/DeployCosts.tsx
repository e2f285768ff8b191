import { useCallback, useEffect, useState } from 'react';
import {
  Card,
  CardBody,
  CardHeader,
  Cell,
  Column,
  Flex,
  Row,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  EmptyState,
  ErrorState,
  ToneTag,
  formatKpiValue,
  formatUtcTime,
} from '@internal/ibias-react';
import {
  ibiasAiCostsApiRef,
  type DeployCost,
  type DeployCostList,
} from '../../api';

/** Cost per 1,000 requests, or a dash without requests (never $0 for "unknown"). */
const perThousand = (micros: number | null) =>
  micros === null ? '—' : formatKpiValue(micros, 'currency');

function Verdict(props: { cost: DeployCost }) {
  const { cost } = props;
  if (cost.reason) {
    return (
      <span title={cost.reason}>
        <ToneTag tone="neutral">not judged</ToneTag>
      </span>
    );
  }
  const ratio = cost.ratio === null ? '' : ` ×${cost.ratio.toFixed(2)}`;
  return cost.raised ? (
    <ToneTag tone="danger">raised{ratio}</ToneTag>
  ) : (
    <ToneTag tone="success">ok{ratio}</ToneTag>
  );
}

/**
 * A service's AI cost per 1,000 requests before and after each deploy of the last 30
 * days (from ibias-deployments), and whether a deploy raised it past the alert's ratio.
 */
export function DeployCosts(props: { entityRef: string }) {
  const api = useApi(ibiasAiCostsApiRef);
  const [answer, setAnswer] = useState<DeployCostList>();
  const [error, setError] = useState<Error>();
  const load = useCallback(() => {
    setError(undefined);
    setAnswer(undefined);
    api.deployCosts(props.entityRef).then(setAnswer, setError);
  }, [api, props.entityRef]);
  useEffect(load, [load]);

  return (
    <Card data-testid="deploy-costs">
      <CardHeader>
        <Text variant="title-x-small" as="h3">
          Cost per 1,000 requests by deploy
        </Text>
      </CardHeader>
      <CardBody>
        {error && (
          <ErrorState
            title="Deploy costs could not be loaded"
            error={error}
            onRetry={load}
          />
        )}
        {!answer && !error && <Skeleton style={{ height: 96 }} />}
        {answer && !answer.available && (
          <Text variant="body-small" color="secondary">
            {answer.reason ?? 'The deploy history could not be read'}: try again
            later.
          </Text>
        )}
        {answer?.available && answer.items.length === 0 && (
          <EmptyState
            title="No deploys to compare"
            description="Succeeded production deploys of the last 30 days appear here, with this service's AI cost per 1,000 requests in the day before and after each."
          />
        )}
        {answer?.available && answer.items.length > 0 && (
          <TableRoot aria-label="Cost per 1,000 requests by deploy">
            <TableHeader>
              <Column isRowHeader>Deploy</Column>
              <Column>When</Column>
              <Column>Before</Column>
              <Column>After</Column>
              <Column>Change</Column>
            </TableHeader>
            <TableBody>
              {answer.items.map(c => (
                <Row key={c.deploymentId} id={c.deploymentId}>
                  <Cell>
                    {c.version}
                    {c.rollback ? ' (rollback)' : ''}
                  </Cell>
                  <Cell>{formatUtcTime(c.deployedAt)}</Cell>
                  <Cell>
                    <Flex direction="column">
                      <span>{perThousand(c.before.perThousandMicros)}</span>
                      <Text variant="body-x-small" color="secondary">
                        {c.before.requests.toLocaleString('en-US')} requests
                      </Text>
                    </Flex>
                  </Cell>
                  <Cell>
                    <Flex direction="column">
                      <span>{perThousand(c.after.perThousandMicros)}</span>
                      <Text variant="body-x-small" color="secondary">
                        {c.after.requests.toLocaleString('en-US')} requests
                      </Text>
                    </Flex>
                  </Cell>
                  <Cell>
                    <Verdict cost={c} />
                  </Cell>
                </Row>
              ))}
            </TableBody>
          </TableRoot>
        )}
      </CardBody>
    </Card>
  );
}

import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Card,
  CardBody,
  Container,
  Flex,
  Select,
  Text,
} from '@backstage/ui';
import { useApi } from '@backstage/frontend-plugin-api';
import { EmptyState, ErrorState, useUrlState } from '@internal/ibias-react';
import { ibiasMetricsApiRef, type Alert, type AlertQuery } from '../../api';
import { AlertList } from '../AlertList';

const STATUSES = [
  'open',
  'firing',
  'acknowledged',
  'silenced',
  'pending',
  'resolved',
];

/** On-call's page: alerts by status, acknowledged, silenced or resolved in place. */
export function AlertsPage() {
  const api = useApi(ibiasMetricsApiRef);
  const [state, setState] = useUrlState({ status: 'open', mine: '' });
  const [alerts, setAlerts] = useState<Alert[]>();
  const [error, setError] = useState<Error>();
  const [failure, setFailure] = useState<string>();

  const load = useCallback(() => {
    setError(undefined);
    api
      .alerts({
        status: state.status as AlertQuery['status'],
        mine: state.mine === 'true',
        limit: 200,
      })
      .then(r => setAlerts(r.items), setError);
  }, [api, state.status, state.mine]);
  useEffect(load, [load]);

  const act = (a: Alert, action: 'acknowledge' | 'silence' | 'resolve') =>
    api
      .act(a.id, action, action === 'silence' ? { silenceFor: '4h' } : {})
      .then(() => {
        setFailure(undefined);
        load();
      })
      .catch(e => setFailure(e.message));

  return (
    <Container py="4">
      <Flex direction="column" gap="4">
        <Flex justify="between" align="end" gap="3">
          <Text variant="title-small" as="h2">
            Alerts
          </Text>
          <Flex gap="3">
            <Select
              label="Status"
              options={STATUSES.map(s => ({ value: s, label: s }))}
              selectedKey={state.status}
              onSelectionChange={k => setState({ status: String(k) })}
            />
            <Select
              label="Whose"
              options={[
                { value: '', label: 'Everyone' },
                { value: 'true', label: 'Services I own' },
              ]}
              selectedKey={state.mine}
              onSelectionChange={k => setState({ mine: String(k) })}
            />
          </Flex>
        </Flex>
        {failure && (
          <ErrorState
            title="The action was refused"
            error={new Error(failure)}
          />
        )}
        {error && (
          <ErrorState
            title="Alerts could not be loaded"
            error={error}
            onRetry={load}
          />
        )}
        <Card>
          <CardBody>
            {!alerts && !error && <Text>Loading alerts…</Text>}
            {alerts && alerts.length === 0 && (
              <EmptyState
                title="No alerts"
                description="Nothing matches these filters."
              />
            )}
            {alerts && alerts.length > 0 && (
              <AlertList
                alerts={alerts}
                actions={a => (
                  <Flex gap="1">
                    {a.status === 'firing' && (
                      <Button
                        size="small"
                        variant="secondary"
                        onPress={() => act(a, 'acknowledge')}
                      >
                        Acknowledge
                      </Button>
                    )}
                    {['pending', 'firing', 'acknowledged'].includes(
                      a.status,
                    ) && (
                      <Button
                        size="small"
                        variant="secondary"
                        onPress={() => act(a, 'silence')}
                      >
                        Silence 4 h
                      </Button>
                    )}
                    {a.status !== 'resolved' && (
                      <Button
                        size="small"
                        variant="tertiary"
                        onPress={() => act(a, 'resolve')}
                      >
                        Resolve
                      </Button>
                    )}
                  </Flex>
                )}
              />
            )}
          </CardBody>
        </Card>
      </Flex>
    </Container>
  );
}

import {
  Box,
  Button,
  Cell,
  Column,
  Flex,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  type Deployment,
  type DeploymentStatus,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { ago, shortRef } from '../format';
import { FilterSelect } from '../FilterSelect';
import { StatusTag, statusLabel } from '../StatusTag';
import {
  HISTORY_PERIODS,
  type HistoryFilter,
  type HistoryPeriod,
} from './filters';

export interface HistoryTableProps {
  items: Deployment[];
  filter: HistoryFilter;
  onFilter(filter: HistoryFilter): void;
  onSelect(d: Deployment): void;
  selectedId?: string;
  /** Show the service column and filter (portal-wide page): the services to offer. */
  services?: string[];
  /** The signed-in user, offered first in the "By" filter. */
  me?: string;
  hasMore: boolean;
  loadingMore?: boolean;
  /** Loads the next (older) page and appends it. */
  onMore(): void;
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

/**
 * Deployment history, newest first, filterable by service (portal-wide), environment,
 * status, who started it and when; older pages are appended on request.
 */
export function HistoryTable(props: HistoryTableProps) {
  const showService = props.services !== undefined;
  const set = (patch: Partial<HistoryFilter>) =>
    props.onFilter({ ...props.filter, ...patch });
  // "By": me first, then whoever appears in what is loaded (and the current choice).
  const actors = [
    ...new Set(
      [
        props.me,
        ...props.items.map(d => d.initiatedBy),
        props.filter.actor,
      ].filter((a): a is string => Boolean(a)),
    ),
  ];
  return (
    <Box>
      <Flex gap="4" mb="3" style={{ flexWrap: 'wrap' }}>
        {showService && (
          <FilterSelect
            id="history-service"
            label="Service"
            value={props.filter.service}
            options={props.services!.map(s => [s, shortRef(s)])}
            onChange={service => set({ service })}
          />
        )}
        <FilterSelect
          id="history-env"
          label="Environment"
          value={props.filter.environment}
          options={ENVIRONMENTS.map(env => [env, env])}
          onChange={env => set({ environment: env as EnvironmentName })}
        />
        <FilterSelect
          id="history-status"
          label="Status"
          value={props.filter.status}
          options={DEPLOYMENT_STATUSES.map(st => [st, statusLabel(st)])}
          onChange={status => set({ status: status as DeploymentStatus })}
        />
        <FilterSelect
          id="history-actor"
          label="By"
          all="Anyone"
          value={props.filter.actor}
          options={actors.map(a => [
            a,
            a === props.me ? `${shortRef(a)} (me)` : shortRef(a),
          ])}
          onChange={actor => set({ actor })}
        />
        <FilterSelect
          id="history-period"
          label="When"
          all="Any time"
          value={props.filter.period}
          options={Object.entries(HISTORY_PERIODS).map(([k, v]) => [
            k,
            v.label,
          ])}
          onChange={period => set({ period: period as HistoryPeriod })}
        />
      </Flex>
      {props.items.length === 0 ? (
        <Text as="p" color="secondary" data-testid="history-empty">
          No deployments match.
        </Text>
      ) : (
        <TableRoot
          aria-label="Deployment history"
          data-testid="history"
          selectionMode="single"
          selectionBehavior="replace"
          disallowEmptySelection
          selectedKeys={props.selectedId ? [props.selectedId] : []}
          onSelectionChange={keys => {
            const [id] = keys === 'all' ? [] : [...keys];
            const d = props.items.find(i => i.id === id);
            if (d) props.onSelect(d);
          }}
        >
          <TableHeader>
            <Column isRowHeader>When</Column>
            {showService && <Column>Service</Column>}
            <Column>Environment</Column>
            <Column>Version</Column>
            <Column>Strategy</Column>
            <Column>Status</Column>
            <Column>By</Column>
            <Column>Outcome</Column>
          </TableHeader>
          <TableBody>
            {props.items.map(d => (
              <Row
                key={d.id}
                id={d.id}
                data-status={d.status}
                style={{ cursor: 'pointer' }}
              >
                <Cell style={NOWRAP}>
                  <span title={d.createdAt}>{ago(d.createdAt)}</span>
                </Cell>
                {showService && (
                  <Cell style={NOWRAP}>{shortRef(d.entityRef)}</Cell>
                )}
                <Cell style={NOWRAP}>{d.environment}</Cell>
                <Cell style={NOWRAP}>
                  {d.previousVersion ?? '—'} → <strong>{d.version}</strong>
                  {d.rollbackOf ? ' (rollback)' : ''}
                </Cell>
                <Cell style={NOWRAP}>{d.strategy}</Cell>
                <Cell>
                  <StatusTag status={d.status} />
                </Cell>
                <Cell style={NOWRAP}>{shortRef(d.initiatedBy)}</Cell>
                <Cell>
                  <Text variant="body-small" color="secondary">
                    {d.reason ?? ''}
                  </Text>
                </Cell>
              </Row>
            ))}
          </TableBody>
        </TableRoot>
      )}
      {props.hasMore && (
        <Box mt="3">
          <Button
            variant="secondary"
            size="small"
            onPress={props.onMore}
            isPending={props.loadingMore}
          >
            Older deployments
          </Button>
        </Box>
      )}
    </Box>
  );
}

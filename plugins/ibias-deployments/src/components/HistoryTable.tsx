import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  type Deployment,
  type DeploymentStatus,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { ago, shortRef } from './format';
import { StatusChip, statusLabel } from './StatusChip';

/** How far back the history goes, for the time filter. */
export const HISTORY_PERIODS = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;
export type HistoryPeriod = keyof typeof HISTORY_PERIODS;

export interface HistoryFilter {
  /** An entity ref (portal-wide page only). */
  service?: string;
  environment?: EnvironmentName;
  status?: DeploymentStatus;
  /** Who started it (a user entity ref). */
  actor?: string;
  period?: HistoryPeriod;
}

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
  onMore(): void;
}

const useStyles = makeStyles({
  // Short cells stay on one line; the outcome takes the rest.
  table: { '& th, & td:not(:last-child)': { whiteSpace: 'nowrap' } },
});

/** A filter's select: "All" (empty) and the given options. */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string | undefined;
  options: Array<[value: string, label: string]>;
  all?: string;
  onChange(value: string | undefined): void;
}) {
  return (
    <FormControl style={{ minWidth: 160 }} size="small">
      <InputLabel id={props.id}>{props.label}</InputLabel>
      <Select
        labelId={props.id}
        data-testid={props.id}
        value={props.value ?? ''}
        onChange={e => props.onChange((e.target.value as string) || undefined)}
      >
        <MenuItem value="">{props.all ?? 'All'}</MenuItem>
        {props.options.map(([value, label]) => (
          <MenuItem key={value} value={value}>
            {label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/**
 * Deployment history, newest first, filterable by service (portal-wide), environment,
 * status, who started it and when.
 */
export function HistoryTable(props: HistoryTableProps) {
  const classes = useStyles();
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
      <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={1}>
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
      </Box>
      {props.items.length === 0 ? (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="history-empty"
        >
          No deployments match.
        </Typography>
      ) : (
        <Table size="small" data-testid="history" className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              {showService && <TableCell>Service</TableCell>}
              <TableCell>Environment</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Strategy</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Outcome</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {props.items.map(d => (
              <TableRow
                key={d.id}
                hover
                selected={d.id === props.selectedId}
                onClick={() => props.onSelect(d)}
                style={{ cursor: 'pointer' }}
                data-status={d.status}
              >
                <TableCell title={d.createdAt}>{ago(d.createdAt)}</TableCell>
                {showService && <TableCell>{shortRef(d.entityRef)}</TableCell>}
                <TableCell>{d.environment}</TableCell>
                <TableCell>
                  {d.previousVersion ?? '—'} → <strong>{d.version}</strong>
                  {d.rollbackOf ? ' (rollback)' : ''}
                </TableCell>
                <TableCell>{d.strategy}</TableCell>
                <TableCell>
                  <StatusChip status={d.status} />
                </TableCell>
                <TableCell>{shortRef(d.initiatedBy)}</TableCell>
                <TableCell>
                  <Typography variant="caption" color="textSecondary">
                    {d.reason ?? ''}
                  </Typography>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {props.hasMore && (
        <Box mt={1}>
          <Button size="small" onClick={props.onMore}>
            Older deployments
          </Button>
        </Box>
      )}
    </Box>
  );
}

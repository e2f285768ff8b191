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

export interface HistoryFilter {
  environment?: EnvironmentName;
  status?: DeploymentStatus;
}

export interface HistoryTableProps {
  items: Deployment[];
  filter: HistoryFilter;
  onFilter(filter: HistoryFilter): void;
  onSelect(d: Deployment): void;
  selectedId?: string;
  /** Show the service column (portal-wide page). */
  showService?: boolean;
  hasMore: boolean;
  onMore(): void;
}

const useStyles = makeStyles({
  // Short cells stay on one line; the outcome takes the rest.
  table: { '& th, & td:not(:last-child)': { whiteSpace: 'nowrap' } },
});

/** Deployment history, newest first, filterable by environment and status. */
export function HistoryTable(props: HistoryTableProps) {
  const classes = useStyles();
  return (
    <Box>
      <Box display="flex" style={{ gap: 16 }} mb={1}>
        <FormControl style={{ minWidth: 160 }} size="small">
          <InputLabel id="history-env">Environment</InputLabel>
          <Select
            labelId="history-env"
            value={props.filter.environment ?? ''}
            onChange={e =>
              props.onFilter({
                ...props.filter,
                environment: (e.target.value as EnvironmentName) || undefined,
              })
            }
          >
            <MenuItem value="">All</MenuItem>
            {ENVIRONMENTS.map(env => (
              <MenuItem key={env} value={env}>
                {env}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl style={{ minWidth: 160 }} size="small">
          <InputLabel id="history-status">Status</InputLabel>
          <Select
            labelId="history-status"
            value={props.filter.status ?? ''}
            onChange={e =>
              props.onFilter({
                ...props.filter,
                status: (e.target.value as DeploymentStatus) || undefined,
              })
            }
          >
            <MenuItem value="">All</MenuItem>
            {DEPLOYMENT_STATUSES.map(s => (
              <MenuItem key={s} value={s}>
                {statusLabel(s)}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
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
              {props.showService && <TableCell>Service</TableCell>}
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
                {props.showService && (
                  <TableCell>{shortRef(d.entityRef)}</TableCell>
                )}
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

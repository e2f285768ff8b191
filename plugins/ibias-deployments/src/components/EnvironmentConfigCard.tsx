import { useEffect, useState } from 'react';
import Box from '@material-ui/core/Box';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import Alert from '@material-ui/lab/Alert';
import { CodeSnippet, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  diffConfigs,
  ENVIRONMENTS,
  type EnvironmentName,
} from '@internal/plugin-ibias-deployments-common';
import { stringify } from 'yaml';
import { ibiasDeploymentsApiRef, type EnvironmentConfigs } from '../api';

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** Each environment's config (secrets masked), its baseline results, and a diff. */
export function EnvironmentConfigCard({ entityRef }: { entityRef: string }) {
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

  if (error) {
    return (
      <InfoCard title="Configuration">
        <Alert severity="error">{error}</Alert>
      </InfoCard>
    );
  }
  if (!configs) return <Progress />;
  const current = configs.environments[env];
  const diff = diffConfigs(
    configs.environments[left]?.config,
    configs.environments[right]?.config,
  );
  const failing = ENVIRONMENTS.flatMap(e =>
    (configs.environments[e]?.baseline ?? [])
      .filter(b => !b.passed)
      .map(b => `${e}: ${b.description} (${b.detail})`),
  );

  return (
    <InfoCard
      title="Configuration"
      subheader={configs.source ? `from ${configs.source}` : undefined}
    >
      <Box data-testid="environment-config">
        {configs.errors.length > 0 && (
          <Alert
            severity="warning"
            style={{ marginBottom: 8 }}
            data-testid="config-errors"
          >
            {configs.errors.map(e => (
              <div key={e}>{e}</div>
            ))}
          </Alert>
        )}
        {Object.keys(configs.environments).length > 0 && (
          <>
            <Alert
              severity={failing.length ? 'error' : 'success'}
              style={{ marginBottom: 8 }}
              data-testid="baseline-summary"
            >
              {failing.length
                ? `${failing.length} baseline rule(s) fail: ${failing.join(
                    '; ',
                  )}`
                : 'Every environment meets the baseline'}
            </Alert>
            <Tabs
              value={env}
              onChange={(_e, v) => setEnv(v)}
              indicatorColor="primary"
            >
              {ENVIRONMENTS.map(e => (
                <Tab key={e} value={e} label={e} />
              ))}
            </Tabs>
            {current ? (
              <Grid container spacing={2} style={{ marginTop: 4 }}>
                <Grid item xs={12} md={5}>
                  <Typography variant="subtitle2">Baseline</Typography>
                  <List dense data-testid={`baseline-${env}`}>
                    {current.baseline.map(b => (
                      <ListItem key={b.rule} data-passed={b.passed}>
                        <ListItemIcon style={{ minWidth: 32 }}>
                          {b.passed ? (
                            <CheckCircleIcon
                              style={{ color: '#1e6b34' }}
                              fontSize="small"
                            />
                          ) : (
                            <ErrorIcon
                              style={{ color: '#a11a12' }}
                              fontSize="small"
                            />
                          )}
                        </ListItemIcon>
                        <ListItemText
                          primary={b.description}
                          secondary={b.passed ? undefined : b.detail}
                        />
                      </ListItem>
                    ))}
                  </List>
                </Grid>
                <Grid item xs={12} md={7}>
                  <Typography variant="subtitle2">
                    Config (secrets are references or masked)
                  </Typography>
                  <CodeSnippet
                    text={stringify(current.config)}
                    language="yaml"
                  />
                </Grid>
              </Grid>
            ) : (
              <Typography color="textSecondary" style={{ marginTop: 8 }}>
                No valid {env} configuration.
              </Typography>
            )}
            <Box mt={2} display="flex" alignItems="center" style={{ gap: 16 }}>
              <Typography variant="subtitle2">Compare</Typography>
              {[
                ['Left', left, setLeft],
                ['Right', right, setRight],
              ].map(([label, value, set]) => (
                <FormControl
                  key={label as string}
                  size="small"
                  style={{ minWidth: 140 }}
                >
                  <InputLabel>{label as string}</InputLabel>
                  <Select
                    value={value}
                    onChange={e =>
                      (set as (v: EnvironmentName) => void)(
                        e.target.value as EnvironmentName,
                      )
                    }
                  >
                    {ENVIRONMENTS.map(e => (
                      <MenuItem key={e} value={e}>
                        {e}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
              ))}
            </Box>
            {diff.length === 0 ? (
              <Typography color="textSecondary" data-testid="config-diff-empty">
                {left} and {right} are the same.
              </Typography>
            ) : (
              <Table size="small" data-testid="config-diff">
                <TableHead>
                  <TableRow>
                    <TableCell>Setting</TableCell>
                    <TableCell>{left}</TableCell>
                    <TableCell>{right}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {diff.map(d => (
                    <TableRow key={d.path}>
                      <TableCell>
                        <code>{d.path}</code>
                      </TableCell>
                      <TableCell>{show(d.left)}</TableCell>
                      <TableCell>{show(d.right)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </>
        )}
      </Box>
    </InfoCard>
  );
}

import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Card from '@material-ui/core/Card';
import Chip from '@material-ui/core/Chip';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import {
  ENVIRONMENTS,
  type Deployment,
  type EnvironmentName,
  type Health,
} from '@internal/plugin-ibias-deployments-common';
import type { EnvironmentView } from '../api';
import { ago, shortRef } from './format';
import { StatusChip } from './StatusChip';

const HEALTH_COLORS: Record<Health, { bg: string; fg: string }> = {
  healthy: { bg: '#e6f4ea', fg: '#1e6b34' },
  unhealthy: { bg: '#fdecea', fg: '#a11a12' },
  starting: { bg: '#e8f0fe', fg: '#1a4d8f' },
  unknown: { bg: '#f1f1f1', fg: '#4a4a4a' },
};

export interface EnvironmentMatrixProps {
  environments: EnvironmentView[];
  /** The newest deployment per environment, if any is in flight. */
  inFlight: Partial<Record<EnvironmentName, Deployment>>;
  onDeploy(environment: EnvironmentName): void;
  onSelect(deployment: Deployment): void;
  /** Per environment: why this user may not deploy there (disables the button). */
  deployDenied?: Partial<Record<EnvironmentName, string>>;
}

/** One card per environment: what runs, since when, by whom, how, and its traffic. */
export function EnvironmentMatrix(props: EnvironmentMatrixProps) {
  return (
    <Grid container spacing={2}>
      {ENVIRONMENTS.map(env => {
        const state = props.environments.find(e => e.environment === env);
        const running = props.inFlight[env];
        return (
          <Grid item xs={12} md={4} key={env}>
            <Card
              variant="outlined"
              data-testid={`environment-${env}`}
              style={{
                height: '100%',
                display: 'flex',
                flexDirection: 'column',
              }}
            >
              <CardContent style={{ flex: 1 }}>
                <Typography variant="overline" color="textSecondary">
                  {env}
                </Typography>
                {state ? (
                  <>
                    <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                      <Typography variant="h4" data-testid={`version-${env}`}>
                        {state.version}
                      </Typography>
                      <Chip
                        size="small"
                        label={state.health}
                        data-testid={`health-${env}`}
                        style={{
                          backgroundColor: HEALTH_COLORS[state.health].bg,
                          color: HEALTH_COLORS[state.health].fg,
                          fontWeight: 600,
                        }}
                      />
                    </Box>
                    <Typography variant="body2" color="textSecondary">
                      {state.strategy} · {ago(state.since)} by{' '}
                      {shortRef(state.deployedBy)}
                    </Typography>
                    <Box mt={1}>
                      {Object.entries(state.traffic).map(([v, w]) => (
                        <Box
                          key={v}
                          display="flex"
                          alignItems="center"
                          mb={0.5}
                        >
                          <Typography variant="caption" style={{ width: 64 }}>
                            {v}
                          </Typography>
                          <Box flex={1} mr={1}>
                            <LinearProgress variant="determinate" value={w} />
                          </Box>
                          <Typography variant="caption">{w}%</Typography>
                        </Box>
                      ))}
                      {Object.keys(state.traffic).length === 0 && (
                        <Typography variant="caption" color="textSecondary">
                          {state.health === 'starting'
                            ? `Starting ${state.version} again after the portal restarted…`
                            : 'No traffic routed since the backend started'}
                        </Typography>
                      )}
                    </Box>
                  </>
                ) : (
                  <Typography variant="body1" color="textSecondary">
                    Nothing deployed yet
                  </Typography>
                )}
                {running && (
                  <Box mt={1} display="flex" alignItems="center">
                    <StatusChip status={running.status} />
                    <Button
                      size="small"
                      onClick={() => props.onSelect(running)}
                    >
                      {running.version} — follow
                    </Button>
                  </Box>
                )}
              </CardContent>
              <CardActions>
                <Button
                  color="primary"
                  variant="contained"
                  size="small"
                  disabled={
                    Boolean(running) || Boolean(props.deployDenied?.[env])
                  }
                  title={
                    props.deployDenied?.[env] ??
                    (running ? `Deployment ${running.id} is in flight` : '')
                  }
                  onClick={() => props.onDeploy(env)}
                  data-testid={`deploy-${env}`}
                >
                  Deploy
                </Button>
                {props.deployDenied?.[env] && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    data-testid={`deploy-denied-${env}`}
                  >
                    {props.deployDenied[env]}
                  </Typography>
                )}
              </CardActions>
            </Card>
          </Grid>
        );
      })}
    </Grid>
  );
}

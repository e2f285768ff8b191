import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
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
  isTerminal,
  type Deployment,
  type DeploymentStep,
} from '@internal/plugin-ibias-deployments-common';
import {
  duration,
  evidenceThreshold,
  evidenceValue,
  shortRef,
} from '../format';
import { StatusTag, ToneTag, VERDICT_TONES, type Tone } from '../StatusTag';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const STEP_TONES: Record<DeploymentStep['status'], Tone> = {
  pending: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  skipped: 'neutral',
};

export interface DeploymentDetailsProps {
  deployment: Deployment;
  onAbort?(): void;
  onApprove?(): void;
  onRollback?(): void;
  busy?: boolean;
  /** Why an action is disabled (permissions, own request), shown next to it. */
  denied?: Partial<Record<'approve' | 'abort' | 'rollback', string>>;
}

/** The steps in order, each with its state and how long it took. */
function StepTimeline({ steps }: { steps: DeploymentStep[] }) {
  return (
    <ol
      aria-label="Steps"
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 'var(--bui-space-2)',
        listStyle: 'none',
        padding: 0,
        margin: 'var(--bui-space-4) 0',
      }}
    >
      {steps.map((s, i) => (
        <li
          key={s.id}
          data-testid={`step-${s.id}`}
          data-status={s.status}
          style={{
            display: 'flex',
            flexDirection: 'column',
            gap: 'var(--bui-space-1)',
            minWidth: 120,
            padding: 'var(--bui-space-2)',
            borderRadius: 'var(--bui-radius-2)',
            border: '1px solid var(--bui-border-1)',
            opacity: s.status === 'skipped' ? 0.6 : 1,
          }}
        >
          <Text variant="body-small" weight="bold">
            {i + 1}. {s.name}
          </Text>
          <Flex align="center" gap="2">
            <ToneTag tone={STEP_TONES[s.status]}>{s.status}</ToneTag>
            {s.status !== 'skipped' && s.startedAt && (
              <Text variant="body-x-small" color="secondary">
                {duration(s.startedAt, s.finishedAt)}
              </Text>
            )}
          </Flex>
        </li>
      ))}
    </ol>
  );
}

/** The live step timeline, the outcome and every piece of evidence. */
export function DeploymentDetails({
  deployment: d,
  ...props
}: DeploymentDetailsProps) {
  const failed = d.status === 'failed' || d.status === 'rolled_back';
  const offered = {
    approve: d.status === 'pending_approval' && Boolean(props.onApprove),
    abort: !isTerminal(d.status) && Boolean(props.onAbort),
    rollback: d.status === 'succeeded' && Boolean(props.onRollback),
  };
  const denied = props.denied ?? {};
  const reasons = [
    ...new Set(
      (['approve', 'abort', 'rollback'] as const)
        .filter(a => offered[a] && denied[a])
        .map(a => denied[a]!),
    ),
  ];
  return (
    <Card data-testid="deployment-details" aria-label="Deployment">
      <CardHeader>
        <Flex align="center" gap="3" style={{ flexWrap: 'wrap' }}>
          <Text as="h3" variant="title-small" weight="bold">
            {d.version} to {d.environment}
          </Text>
          <StatusTag status={d.status} />
          <Text variant="body-medium" color="secondary">
            {d.strategy} · from {d.previousVersion ?? 'nothing'} · by{' '}
            {shortRef(d.initiatedBy)}
            {d.approvedBy
              ? ` · approved by ${shortRef(d.approvedBy)}`
              : ''} · {duration(d.startedAt ?? d.createdAt, d.finishedAt)}
          </Text>
          <span style={{ flex: 1 }} />
          {offered.approve && (
            <Button
              variant="primary"
              size="small"
              isDisabled={props.busy || Boolean(denied.approve)}
              onPress={props.onApprove}
              data-testid="approve"
            >
              Approve {d.version}
            </Button>
          )}
          {offered.abort && (
            <Button
              variant="secondary"
              destructive
              size="small"
              isDisabled={props.busy || Boolean(denied.abort)}
              onPress={props.onAbort}
              data-testid="abort"
            >
              Abort
            </Button>
          )}
          {offered.rollback && (
            <Button
              variant="secondary"
              size="small"
              isDisabled={props.busy || Boolean(denied.rollback)}
              onPress={props.onRollback}
              data-testid="rollback"
            >
              Roll back
            </Button>
          )}
        </Flex>
        {reasons.length > 0 && (
          <Text
            as="p"
            variant="body-small"
            color="secondary"
            style={{ textAlign: 'right' }}
            data-testid="actions-denied"
          >
            {reasons.join(' · ')}
          </Text>
        )}
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="2">
          {d.reason && (
            <Alert
              status={failed ? 'danger' : 'info'}
              icon
              title={d.reason}
              data-testid="deployment-reason"
            />
          )}
          {d.breakGlassReason && (
            <Alert
              status="warning"
              icon
              data-testid="break-glass-reason"
              title={`Break-glass: ${shortRef(
                d.initiatedBy,
              )} rolled back without a release manager’s approval — “${
                d.breakGlassReason
              }”`}
            />
          )}
          {d.status === 'pending_approval' && d.approvalExpiresAt && (
            <Alert
              status="info"
              icon
              title={`Waiting for a release manager other than ${shortRef(
                d.initiatedBy,
              )}; the request expires ${new Date(
                d.approvalExpiresAt,
              ).toLocaleTimeString()}.`}
            />
          )}
        </Flex>
        <StepTimeline steps={d.steps} />
        <Text as="h4" variant="body-medium" weight="bold">
          Evidence
        </Text>
        {d.evidence.length === 0 ? (
          <Text as="p" variant="body-medium" color="secondary">
            No checks have run yet.
          </Text>
        ) : (
          <TableRoot aria-label="Evidence" data-testid="evidence">
            <TableHeader>
              <Column isRowHeader>Step</Column>
              <Column>Check</Column>
              <Column>Value</Column>
              <Column style={{ minWidth: '7rem' }}>Threshold</Column>
              <Column>Samples</Column>
              <Column>Window</Column>
              <Column>Verdict</Column>
              {/* The query and what it saw are the long text: give them the room. */}
              <Column style={{ width: '36%', minWidth: '16rem' }}>Query</Column>
            </TableHeader>
            <TableBody>
              {d.evidence.map((e, i) => (
                <Row key={i} id={String(i)} data-verdict={e.verdict}>
                  <Cell style={NOWRAP}>
                    <span title={e.at}>{e.stepId}</span>
                  </Cell>
                  <Cell style={NOWRAP}>{e.check}</Cell>
                  <Cell style={NOWRAP}>
                    <strong>{evidenceValue(e.check, e.value)}</strong>
                  </Cell>
                  <Cell style={NOWRAP}>
                    {evidenceThreshold(e.check, e.threshold)}
                  </Cell>
                  <Cell>{e.samples}</Cell>
                  <Cell>{e.windowSeconds ? `${e.windowSeconds} s` : '—'}</Cell>
                  <Cell style={NOWRAP}>
                    <ToneTag tone={VERDICT_TONES[e.verdict]}>
                      {e.verdict}
                      {e.verdict === 'fail' && e.consecutiveBreaches
                        ? ` (${e.consecutiveBreaches} in a row)`
                        : ''}
                    </ToneTag>
                  </Cell>
                  <Cell>
                    <Text variant="body-small" color="secondary">
                      {e.detail ? `${e.query} → ${e.detail}` : e.query}
                    </Text>
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

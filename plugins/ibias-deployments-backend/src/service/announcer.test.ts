import { mockServices } from '@backstage/backend-test-utils';
import {
  DEPLOYMENTS_SIGNAL_CHANNEL,
  planSteps,
  type Deployment,
} from '@internal/plugin-ibias-deployments-common';
import {
  breakGlassNotificationFor,
  createAnnouncer,
  createBreakGlassAnnouncer,
  notificationFor,
} from './announcer';

const d: Deployment = {
  id: 'd1',
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: '1.2.0',
  previousVersion: '1.1.0',
  strategy: 'canary',
  status: 'rolled_back',
  reason: 'Rollback trigger: error rate 20.0% > 5%',
  steps: planSteps('canary'),
  evidence: [],
  initiatedBy: 'user:default/guest',
  createdAt: '2026-11-26T12:00:00.000Z',
  updatedAt: '2026-11-26T12:00:10.000Z',
};

describe('notificationFor', () => {
  it.each([
    ['roll_back', 'ibias-api 1.2.0 was rolled back in staging'],
    ['fail', 'ibias-api 1.2.0 failed to deploy to staging'],
  ] as const)('%s → "%s"', (event, title) => {
    expect(notificationFor(d, event)).toEqual({
      title,
      description:
        'Rollback trigger: error rate 20.0% > 5% 1.1.0 takes the traffic.',
      link: '/catalog/default/component/ibias-api/deployments',
      severity: 'high',
      topic: 'deployment:component:default/ibias-api:staging',
      scope: 'd1',
    });
  });

  it.each([undefined, 'start', 'succeed', 'abort', 'approve'] as const)(
    '%s notifies nobody',
    event => {
      expect(notificationFor(d, event)).toBeUndefined();
    },
  );
});

describe('createAnnouncer', () => {
  it('signals every change and notifies the owning group on a rollback', async () => {
    const signals = { publish: jest.fn().mockResolvedValue(undefined) };
    const notifications = { send: jest.fn().mockResolvedValue(undefined) };
    const announce = createAnnouncer({
      signals,
      notifications,
      ownerOf: async () => 'group:default/web-team',
      logger: mockServices.logger.mock(),
    });
    announce({ ...d, status: 'running' }, 'start');
    announce(d, 'roll_back');
    await new Promise(r => setImmediate(r));
    expect(signals.publish).toHaveBeenCalledTimes(2);
    expect(signals.publish).toHaveBeenLastCalledWith({
      recipients: { type: 'broadcast' },
      channel: DEPLOYMENTS_SIGNAL_CHANNEL,
      message: {
        id: 'd1',
        entityRef: 'component:default/ibias-api',
        environment: 'staging',
        status: 'rolled_back',
      },
    });
    expect(notifications.send).toHaveBeenCalledTimes(1);
    expect(notifications.send.mock.calls[0][0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/web-team',
    });
  });

  it('a failing signal or notification never throws into the deploy', async () => {
    const logger = mockServices.logger.mock();
    const announce = createAnnouncer({
      signals: { publish: jest.fn().mockRejectedValue(new Error('down')) },
      notifications: { send: jest.fn().mockRejectedValue(new Error('down')) },
      ownerOf: async () => 'group:default/web-team',
      logger,
    });
    expect(() => announce(d, 'roll_back')).not.toThrow();
    await new Promise(r => setTimeout(r, 10));
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });
});

describe('breakGlassNotificationFor', () => {
  it('names who rolled production back, from what to what, and why', () => {
    expect(
      breakGlassNotificationFor({
        ...d,
        id: 'd9',
        environment: 'production',
        version: '1.1.0',
        previousVersion: '1.2.0',
        status: 'queued',
        initiatedBy: 'user:default/olivia.owner',
        rollbackOf: 'd8',
        breakGlassReason: 'Checkout fails for every customer since 1.2.0',
      }),
    ).toEqual({
      title:
        'Break-glass: user:default/olivia.owner rolled ibias-api back in production without approval',
      description:
        'component:default/ibias-api: 1.2.0 → 1.1.0 (deployment d9). Reason: Checkout fails for every customer since 1.2.0',
      link: '/catalog/default/component/ibias-api/deployments',
      severity: 'critical',
      topic: 'deployment:component:default/ibias-api:production',
      scope: 'break-glass:d9',
    });
  });

  it('goes to the release managers group', async () => {
    const notifications = { send: jest.fn().mockResolvedValue(undefined) };
    createBreakGlassAnnouncer({
      notifications,
      releaseManagers: 'group:default/release-managers',
      logger: mockServices.logger.mock(),
    })({ ...d, breakGlassReason: 'a reason long enough' });
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: 'group:default/release-managers',
      },
      payload: expect.objectContaining({ severity: 'critical' }),
    });
  });
});

it('the signals channel is the one the frontend listens on', () => {
  expect(DEPLOYMENTS_SIGNAL_CHANNEL).toBe('ibias-deployments');
});

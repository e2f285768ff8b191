import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Deployment } from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef } from '../../api';
import { RollbackDialog } from './RollbackDialog';
import { optionNames } from '@internal/ibias-react/testUtils';

const deployment = (
  version: string,
  minutesAgo: number,
  environment: Deployment['environment'] = 'staging',
): Deployment => ({
  id: `d-${version}-${minutesAgo}`,
  entityRef: 'component:default/ibias-api',
  environment,
  version,
  previousVersion: null,
  strategy: 'blue-green',
  status: 'succeeded',
  steps: [],
  evidence: [],
  initiatedBy: 'user:default/guest',
  createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  updatedAt: new Date().toISOString(),
});

describe('RollbackDialog', () => {
  it('offers the earlier versions, the previous one first, and rolls back to the chosen one', async () => {
    const current = deployment('1.1.0', 1);
    const rollback = jest
      .fn()
      .mockResolvedValue({ ...deployment('0.9.0', 0), status: 'queued' });
    const onRolledBack = jest.fn();
    await renderInTestApp(
      <RollbackDialog
        deployment={current}
        currentVersion="1.1.0"
        onClose={jest.fn()}
        onRolledBack={onRolledBack}
      />,
      {
        apis: [
          [
            ibiasDeploymentsApiRef,
            {
              list: jest.fn().mockResolvedValue({
                items: [
                  current,
                  deployment('1.0.0', 5),
                  deployment('0.9.0', 9),
                ],
                nextCursor: null,
              }),
              rollback,
            },
          ],
        ],
      },
    );
    expect(await screen.findByTestId('confirm-rollback')).toHaveTextContent(
      'Roll back to 1.0.0',
    );
    expect(await optionNames('rollback-version')).toEqual([
      expect.stringContaining('1.0.0 (the previous version)'),
      expect.stringContaining('0.9.0'),
    ]);
    fireEvent.click(screen.getByRole('option', { name: /^0\.9\.0/ }));
    fireEvent.click(screen.getByTestId('confirm-rollback'));
    await waitFor(() => expect(onRolledBack).toHaveBeenCalled());
    expect(rollback).toHaveBeenCalledWith(current.id, { version: '0.9.0' });
    // Outside production: no approval, no break-glass.
    expect(screen.queryByTestId('rollback-production')).toBeNull();
  });

  it('says so when no earlier version ran, and offers nothing to confirm', async () => {
    const current = deployment('1.1.0', 1);
    await renderInTestApp(
      <RollbackDialog
        deployment={current}
        currentVersion="1.1.0"
        onClose={jest.fn()}
        onRolledBack={jest.fn()}
      />,
      {
        apis: [
          [
            ibiasDeploymentsApiRef,
            {
              list: jest
                .fn()
                .mockResolvedValue({ items: [current], nextCursor: null }),
            },
          ],
        ],
      },
    );
    expect(await screen.findByTestId('rollback-none')).toHaveTextContent(
      'No earlier version of ibias-api ran successfully in staging before 1.1.0',
    );
    expect(screen.getByTestId('confirm-rollback')).toBeDisabled();
  });

  describe('in production', () => {
    async function open(rollback = jest.fn()) {
      const current = deployment('1.1.0', 1, 'production');
      const onRolledBack = jest.fn();
      await renderInTestApp(
        <RollbackDialog
          deployment={current}
          currentVersion="1.1.0"
          onClose={jest.fn()}
          onRolledBack={onRolledBack}
        />,
        {
          apis: [
            [
              ibiasDeploymentsApiRef,
              {
                list: jest.fn().mockResolvedValue({
                  items: [current, deployment('1.0.0', 5, 'production')],
                  nextCursor: null,
                }),
                rollback,
              },
            ],
          ],
        },
      );
      await screen.findByTestId('rollback-production');
      return { current, rollback, onRolledBack };
    }
    const reasonField = () =>
      within(screen.getByTestId('break-glass-reason')).getByRole('textbox');
    const checkBreakGlass = () =>
      fireEvent.click(
        within(screen.getByTestId('break-glass')).getByRole('checkbox'),
      );

    it('refuses to break the glass without a reason of 10 to 500 characters', async () => {
      const { rollback } = await open();
      checkBreakGlass();
      const confirm = screen.getByTestId('confirm-rollback');
      expect(confirm).toHaveTextContent('Break glass: roll back to 1.0.0 now');
      expect(confirm).toBeDisabled();
      fireEvent.change(reasonField(), { target: { value: '  too short ' } });
      expect(
        await screen.findByText('Say why in at least 10 characters'),
      ).toBeInTheDocument();
      expect(confirm).toBeDisabled();
      fireEvent.click(confirm);
      expect(rollback).not.toHaveBeenCalled();
      expect(reasonField()).toHaveAttribute('maxlength', '500');
    });

    it('says a release manager must approve, and asks for approval by default', async () => {
      const rollback = jest.fn().mockResolvedValue({
        ...deployment('1.0.0', 0, 'production'),
        status: 'pending_approval',
      });
      const { current, onRolledBack } = await open(rollback);
      expect(screen.getByTestId('rollback-production')).toHaveTextContent(
        'A production rollback needs a release manager’s approval',
      );
      expect(screen.getByTestId('rollback-production')).toHaveTextContent(
        'waits until a release manager other than you approves 1.0.0',
      );
      expect(screen.queryByTestId('break-glass-reason')).toBeNull();
      const confirm = screen.getByTestId('confirm-rollback');
      expect(confirm).toHaveTextContent(
        'Request approval to roll back to 1.0.0',
      );
      fireEvent.click(confirm);
      await waitFor(() => expect(onRolledBack).toHaveBeenCalled());
      expect(rollback).toHaveBeenCalledWith(current.id, { version: '1.0.0' });
    });

    it('breaks the glass with the reason, trimmed', async () => {
      const rollback = jest.fn().mockResolvedValue({
        ...deployment('1.0.0', 0, 'production'),
        status: 'queued',
      });
      const { current, onRolledBack } = await open(rollback);
      checkBreakGlass();
      expect(screen.getByTestId('rollback-production')).toHaveTextContent(
        'runs now, without approval',
      );
      fireEvent.change(reasonField(), {
        target: { value: '  Checkout fails for every customer  ' },
      });
      const confirm = screen.getByTestId('confirm-rollback');
      await waitFor(() => expect(confirm).toBeEnabled());
      fireEvent.click(confirm);
      await waitFor(() => expect(onRolledBack).toHaveBeenCalled());
      expect(rollback).toHaveBeenCalledWith(current.id, {
        version: '1.0.0',
        breakGlass: { reason: 'Checkout fails for every customer' },
      });
    });

    it('shows what the server refused', async () => {
      const rollback = jest
        .fn()
        .mockRejectedValue(
          new Error(
            'ibias.deployments.rollback on component:default/ibias-api in production is not allowed',
          ),
        );
      await open(rollback);
      fireEvent.click(screen.getByTestId('confirm-rollback'));
      expect(
        await screen.findByText(
          'ibias.deployments.rollback on component:default/ibias-api in production is not allowed',
        ),
      ).toBeInTheDocument();
    });
  });
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Deployment } from '@internal/plugin-ibias-deployments-common';
import { ibiasDeploymentsApiRef } from '../api';
import { RollbackDialog } from './RollbackDialog';

const deployment = (version: string, minutesAgo: number): Deployment => ({
  id: `d-${version}-${minutesAgo}`,
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
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
    fireEvent.mouseDown(
      within(screen.getByTestId('rollback-version')).getByRole('button'),
    );
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      expect.stringContaining('1.0.0 (the previous version)'),
      expect.stringContaining('0.9.0'),
    ]);
    fireEvent.click(options[1]);
    fireEvent.click(screen.getByTestId('confirm-rollback'));
    await waitFor(() => expect(onRolledBack).toHaveBeenCalled());
    expect(rollback).toHaveBeenCalledWith(current.id, '0.9.0');
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
});

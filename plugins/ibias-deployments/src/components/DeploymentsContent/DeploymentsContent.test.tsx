import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type { Deployment } from '@internal/plugin-ibias-deployments-common';
import {
  ibiasDeploymentsApiRef,
  type DeploymentQuery,
  type IbiasDeploymentsApi,
} from '../../api';
import { DeploymentsContent } from './DeploymentsContent';
import { chooseOption } from '@internal/ibias-react/testUtils';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ibias-api' },
  spec: { owner: 'group:default/web-team' },
};

const deployment = (
  id: string,
  status: Deployment['status'],
  minutesAgo: number,
): Deployment => ({
  id,
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: `1.0.${minutesAgo}`,
  previousVersion: null,
  strategy: 'blue-green',
  status,
  steps: [],
  evidence: [],
  initiatedBy: 'user:default/guest',
  createdAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  updatedAt: new Date().toISOString(),
});

/** A server that filters and pages like the real one. */
function fakeServer(all: Deployment[], pageSize?: number) {
  const list = jest.fn(async (q: DeploymentQuery) => {
    const matching = all.filter(
      d =>
        (!q.status?.length || q.status.includes(d.status)) &&
        (!q.actor || d.initiatedBy === q.actor),
    );
    const size = pageSize ?? q.limit ?? 20;
    const start = q.cursor ? Number(q.cursor) : 0;
    const next = start + size < matching.length ? String(start + size) : null;
    return { items: matching.slice(start, start + size), nextCursor: next };
  });
  const api: Partial<IbiasDeploymentsApi> = {
    environments: jest.fn().mockResolvedValue([]),
    configs: jest.fn().mockResolvedValue({ errors: [], environments: {} }),
    get: jest.fn(async (id: string) => all.find(d => d.id === id)!),
    list,
  };
  return { api, list };
}

const render = (api: Partial<IbiasDeploymentsApi>) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DeploymentsContent />
    </EntityProvider>,
    {
      apis: [
        [ibiasDeploymentsApiRef, api],
        mockApis.permission(),
        mockApis.identity({ userEntityRef: 'user:default/guest' }),
      ],
    },
  );

describe('DeploymentsContent', () => {
  it('keeps the in-flight deployment on its environment whatever the history filter', async () => {
    const { api } = fakeServer([
      deployment('running', 'running', 1),
      deployment('done', 'succeeded', 5),
    ]);
    await render(api);
    const card = await screen.findByTestId('environment-staging');
    await waitFor(() =>
      expect(within(card).getByTestId('deploy-staging')).toBeDisabled(),
    );
    await chooseOption('history-status', 'succeeded');
    await waitFor(() =>
      expect(document.querySelectorAll('[data-status="running"]')).toHaveLength(
        0,
      ),
    );
    expect(within(card).getByText(/follow/)).toBeInTheDocument();
    expect(within(card).getByTestId('deploy-staging')).toBeDisabled();
  });

  it('pages the history with the cursor, appending older deployments', async () => {
    const all = Array.from({ length: 5 }, (_, i) =>
      deployment(`d${i}`, 'succeeded', i + 1),
    );
    const { api, list } = fakeServer(all, 2);
    await render(api);
    await screen.findByText('1.0.1');
    fireEvent.click(screen.getByRole('button', { name: 'Older deployments' }));
    await screen.findByText('1.0.3');
    expect(list).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: '2' }),
    );
    // The first page stays.
    expect(screen.getByText('1.0.1')).toBeInTheDocument();
  });
});

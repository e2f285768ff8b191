import { screen, waitFor, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { chooseOption } from '@internal/ibias-react/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { ibiasDeploymentsApiRef, type IbiasDeploymentsApi } from '../../api';
import { DeploymentsPage } from './DeploymentsPage';

const component = (
  name: string,
  owner: string,
  annotated: boolean,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    annotations: annotated
      ? { 'ibias.io/environments': `../services/${name}/environments.yaml` }
      : {},
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

function deploymentsApi(
  environments: Awaited<ReturnType<IbiasDeploymentsApi['environments']>>,
): Partial<IbiasDeploymentsApi> {
  return {
    environments: jest.fn().mockResolvedValue(environments),
    list: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
  };
}

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

describe('DeploymentsPage', () => {
  it('lists every deployable service with its owner, deployed or not, and what runs where', async () => {
    await renderInTestApp(<DeploymentsPage />, {
      mountedRoutes,
      apis: [
        catalogApiMock({
          entities: [
            component('ibias-api', 'group:default/web-team', true),
            component('ai-recommendations', 'group:default/ai-team', true),
            component('data-sync', 'group:default/platform-team', false),
          ],
        }),
        [
          ibiasDeploymentsApiRef,
          deploymentsApi([
            {
              entityRef: 'component:default/ibias-api',
              environment: 'staging',
              version: '1.1.0',
              since: new Date().toISOString(),
              deployedBy: 'user:default/guest',
              strategy: 'blue-green',
              deploymentId: 'd1',
              traffic: { '1.1.0': 100 },
              url: null,
              endpoints: [],
              health: 'healthy',
              lockedBy: null,
            },
          ]),
        ],
      ],
    });
    const matrix = await screen.findByTestId('matrix');
    const rows = within(matrix).getAllByRole('row').slice(1);
    // Sorted by name; the service without an environments file is not deployable.
    expect(rows.map(r => r.getAttribute('data-service'))).toEqual([
      'ai-recommendations',
      'ibias-api',
    ]);
    expect(rows[0]).toHaveTextContent('ai-team');
    expect(within(rows[0]).getAllByText('not deployed')).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('web-team');
    expect(rows[1]).toHaveTextContent('1.1.0');
    expect(within(rows[1]).getByText('healthy')).toHaveAttribute(
      'data-tone',
      'success',
    );
    expect(rows[1]).toHaveTextContent('blue-green · 0 s ago · guest');
    expect(within(rows[1]).getAllByText('not deployed')).toHaveLength(2);
    // The catalog's own route to the service, then this plugin's tab.
    expect(
      within(rows[1]).getByRole('link', { name: 'ibias-api' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/ibias-api/deployments',
    );
  });

  it('says so when nothing is deployable and nothing was deployed', async () => {
    await renderInTestApp(<DeploymentsPage />, {
      mountedRoutes,
      apis: [
        catalogApiMock({
          entities: [
            component('data-sync', 'group:default/platform-team', false),
          ],
        }),
        [ibiasDeploymentsApiRef, deploymentsApi([])],
      ],
    });
    expect(await screen.findByTestId('matrix-empty')).toHaveTextContent(
      'No service names an environments file',
    );
  });

  it('filters the history by service, who started it and when', async () => {
    const api = deploymentsApi([]);
    const list = api.list as jest.Mock;
    list.mockResolvedValue({
      items: [
        {
          id: 'd1',
          entityRef: 'component:default/ibias-api',
          environment: 'staging',
          version: '1.1.0',
          previousVersion: null,
          strategy: 'blue-green',
          status: 'succeeded',
          steps: [],
          evidence: [],
          initiatedBy: 'user:default/rita.release',
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      ],
      nextCursor: null,
    });
    await renderInTestApp(<DeploymentsPage />, {
      mountedRoutes,
      apis: [
        catalogApiMock({
          entities: [component('ibias-api', 'group:default/web-team', true)],
        }),
        [ibiasDeploymentsApiRef, api],
      ],
    });
    const choose = chooseOption;
    await choose('history-service', 'ibias-api');
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ entityRef: 'component:default/ibias-api' }),
      ),
    );
    await choose('history-actor', 'rita.release');
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({
          entityRef: 'component:default/ibias-api',
          actor: 'user:default/rita.release',
        }),
      ),
    );
    const before = Date.now();
    await choose('history-period', 'Last hour');
    await waitFor(() =>
      expect(list).toHaveBeenLastCalledWith(
        expect.objectContaining({ from: expect.any(String) }),
      ),
    );
    const from = Date.parse(list.mock.lastCall[0].from);
    expect(before - from).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(before - from).toBeLessThanOrEqual(3_600_000 + 1000);
  });
});

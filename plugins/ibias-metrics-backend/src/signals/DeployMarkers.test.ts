import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { HttpDeploymentHistory, HttpDeployMarkers } from './DeployMarkers';
import { DeploymentsApi } from '@internal/plugin-ibias-deployments-node';

const credentials = mockCredentials.user('user:default/mona');
const from = new Date('2026-12-07T09:00:00Z');
const to = new Date('2026-12-07T10:00:00Z');

const deployment = (overrides: Record<string, unknown>) => ({
  id: 'd-1',
  entityRef: 'component:default/ibias-api',
  environment: 'staging',
  version: '1.2.0',
  previousVersion: '1.1.0',
  status: 'succeeded',
  createdAt: '2026-12-07T09:10:00.000Z',
  startedAt: '2026-12-07T09:10:02.000Z',
  ...overrides,
});

function markersWith(answer: () => Promise<Response>) {
  const fetch = jest.fn(
    async (_url: string | URL | Request, _init?: RequestInit) => answer(),
  );
  const logger = mockServices.logger.mock();
  const source = new HttpDeployMarkers(
    new DeploymentsApi({
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      logger,
      fetch,
    }),
  );
  return { source, fetch, logger };
}

describe('HttpDeployMarkers', () => {
  it('asks ibias-deployments, as the caller, for what started in the range', async () => {
    const { source, fetch } = markersWith(async () =>
      Response.json({
        items: [
          deployment({}),
          deployment({
            id: 'd-2',
            version: '1.1.0',
            status: 'rolled_back',
            rollbackOf: 'd-1',
            startedAt: undefined,
            createdAt: '2026-12-07T09:40:00.000Z',
          }),
        ],
        nextCursor: null,
      }),
    );
    const markers = await source.markers({
      credentials,
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      from,
      to,
    });
    expect(markers).toEqual([
      {
        at: '2026-12-07T09:10:02.000Z',
        environment: 'staging',
        version: '1.2.0',
        status: 'succeeded',
        deploymentId: 'd-1',
        label: '1.2.0 (succeeded)',
      },
      {
        at: '2026-12-07T09:40:00.000Z',
        environment: 'staging',
        version: '1.1.0',
        status: 'rolled_back',
        deploymentId: 'd-2',
        label: 'rollback to 1.1.0 (rolled back)',
      },
    ]);
    const [url, init] = fetch.mock.calls[0];
    const asked = new URL(String(url));
    expect(asked.pathname).toMatch(/\/api\/ibias-deployments\/deployments$/);
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      from: '2026-12-07T09:00:00.000Z',
      to: '2026-12-07T10:00:00.000Z',
      status: 'running,succeeded,failed,rolled_back,aborted',
      limit: '200',
    });
    // A token on behalf of the caller, so the deployments plugin authorizes them.
    const headers = new Headers(init?.headers);
    expect(headers.get('authorization')).toMatch(
      /^Bearer .*user:default\/mona/,
    );
  });

  it('asks every environment when none is given', async () => {
    const { source, fetch } = markersWith(async () =>
      Response.json({ items: [], nextCursor: null }),
    );
    await source.markers({
      credentials,
      entityRef: 'component:default/ibias-api',
      from,
      to,
    });
    expect(
      new URL(String(fetch.mock.calls[0][0])).searchParams.has('environment'),
    ).toBe(false);
  });

  it('leaves out an item without a time or an id', async () => {
    const { source } = markersWith(async () =>
      Response.json({
        items: [
          deployment({ startedAt: undefined, createdAt: undefined }),
          deployment({ id: undefined }),
          'not a deployment',
        ],
      }),
    );
    expect(
      await source.markers({ credentials, entityRef: 'x', from, to }),
    ).toEqual([]);
  });

  it.each([
    ['answers 403', async () => new Response('{}', { status: 403 })],
    [
      'is not reachable',
      async (): Promise<Response> => {
        throw new TypeError('fetch failed');
      },
    ],
    ['answers something else', async () => new Response('<html>')],
  ])(
    'draws no markers, and says so in the debug log, when it %s',
    async (_what, answer) => {
      const { source, logger } = markersWith(answer);
      expect(
        await source.markers({ credentials, entityRef: 'x', from, to }),
      ).toEqual([]);
      expect(logger.debug).toHaveBeenCalledWith(
        expect.stringMatching(/^ibias-deployments .*\/deployments/),
      );
    },
  );
});

describe('HttpDeploymentHistory', () => {
  it('asks as the caller for finished production deployments, and labels them', async () => {
    const fetch = jest.fn(
      async (_url: string | URL | Request, _init?: RequestInit) =>
        Response.json({
          items: [
            deployment({ environment: 'production', status: 'rolled_back' }),
            deployment({ id: 'd-9', environment: 'staging' }),
            deployment({ id: undefined, environment: 'production' }),
          ],
        }),
    );
    const history = new HttpDeploymentHistory(
      new DeploymentsApi({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        fetch,
      }),
    );
    const markers = await history.recent({
      from: '2026-11-01T00:00:00.000Z',
      limit: 50,
      credentials,
    });
    expect(markers).toEqual([
      {
        at: '2026-12-07T09:10:00.000Z',
        label: 'ibias-api 1.2.0 (rolled back)',
        entityRef: 'component:default/ibias-api',
        deploymentId: 'd-1',
      },
    ]);
    const [url, init] = fetch.mock.calls[0];
    expect(Object.fromEntries(new URL(String(url)).searchParams)).toMatchObject(
      { environment: 'production', limit: '50' },
    );
    expect(new Headers(init?.headers).get('authorization')).toMatch(
      /user:default\/mona/,
    );
  });
});

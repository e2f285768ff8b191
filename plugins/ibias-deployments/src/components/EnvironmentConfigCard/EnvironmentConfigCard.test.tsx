import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ibiasDeploymentsApiRef, type EnvironmentConfigs } from '../../api';
import { EnvironmentConfigCard } from './EnvironmentConfigCard';
import { repositoryLocation } from './repositoryLocation';

const render = (configs: EnvironmentConfigs | Error, annotation?: string) =>
  renderInTestApp(
    <EnvironmentConfigCard
      entityRef="component:default/ibias-api"
      annotation={annotation}
    />,
    {
      apis: [
        [
          ibiasDeploymentsApiRef,
          {
            configs:
              configs instanceof Error
                ? jest.fn().mockRejectedValue(configs)
                : jest.fn().mockResolvedValue(configs),
          },
        ],
      ],
    },
  );

describe('repositoryLocation', () => {
  it.each([
    [
      'services/ibias-api/environments.yaml',
      { path: 'services/ibias-api/environments.yaml' },
    ],
    ['./environments.yaml', { path: 'environments.yaml' }],
    [
      'https://github.com/o/r/blob/main/environments.yaml',
      { url: 'https://github.com/o/r/blob/main/environments.yaml' },
    ],
    ['/home/portal/ibias/services/ibias-api/environments.yaml', undefined],
    ['~/ibias/environments.yaml', undefined],
    ['C:\\portal\\environments.yaml', undefined],
    ['file:///srv/environments.yaml', undefined],
    ['../../etc/environments.yaml', undefined],
    [undefined, undefined],
  ])('%s → %j', (source, expected) => {
    expect(repositoryLocation(source)).toEqual(expected);
  });
});

describe('EnvironmentConfigCard', () => {
  it('never shows a path on the portal host as the environments file', async () => {
    await render(
      {
        source: '/home/portal/ibias/services/ibias-api/environments.yaml',
        errors: [],
        environments: {},
      },
      './environments.yaml',
    );
    await screen.findByText('Configuration');
    expect(await screen.findByTestId('config-source')).toHaveTextContent(
      'from environments.yaml in the service’s repository',
    );
    expect(screen.queryByText(/\/home\/portal/)).toBeNull();
  });

  it('shows where the file lives in the repository', async () => {
    await render({
      source: 'services/ibias-api/environments.yaml',
      errors: [],
      environments: {},
    });
    expect(await screen.findByTestId('config-source')).toHaveTextContent(
      'from services/ibias-api/environments.yaml in the service’s repository',
    );
    expect(screen.getByTestId('config-empty')).toBeInTheDocument();
  });

  it('says what went wrong when the backend fails', async () => {
    await render(new Error('ibias-deployments answered 503'));
    expect(
      await screen.findByText('ibias-deployments answered 503'),
    ).toBeInTheDocument();
  });
});

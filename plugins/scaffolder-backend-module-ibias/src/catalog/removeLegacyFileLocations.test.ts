import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { removeLegacyFileLocations } from './removeLegacyFileLocations';

describe('removeLegacyFileLocations', () => {
  it('removes the file locations the API accepted before, with the plugin’s own credentials, and keeps url ones', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getLocations.mockResolvedValue({
      items: [
        {
          id: 'a',
          entityRef: 'location:default/a',
          type: 'file',
          target: '/srv/data/repos/demo/catalog-info.yaml',
        },
        {
          id: 'b',
          entityRef: 'location:default/b',
          type: 'file',
          target: '/etc/passwd',
        },
        {
          id: 'c',
          entityRef: 'location:default/c',
          type: 'url',
          target: 'https://github.com/ibias/x/blob/main/catalog-info.yaml',
        },
      ],
    });
    const logger = mockServices.logger.mock();
    const removed = await removeLegacyFileLocations({
      catalog,
      auth: mockServices.auth(),
      logger,
    });
    expect(removed).toEqual([
      '/srv/data/repos/demo/catalog-info.yaml',
      '/etc/passwd',
    ]);
    expect(catalog.removeLocationById.mock.calls.map(c => c[0])).toEqual([
      'a',
      'b',
    ]);
    expect(catalog.removeLocationById).toHaveBeenCalledWith('a', {
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });
    // The log names the location's id, not the path (which may be a host file).
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('/etc/passwd');
  });

  it('does nothing when there is nothing to remove', async () => {
    const catalog = catalogServiceMock.mock();
    catalog.getLocations.mockResolvedValue({ items: [] });
    expect(
      await removeLegacyFileLocations({
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
      }),
    ).toEqual([]);
    expect(catalog.removeLocationById).not.toHaveBeenCalled();
  });
});

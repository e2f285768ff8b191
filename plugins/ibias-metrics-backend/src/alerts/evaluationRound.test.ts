import { mockServices } from '@backstage/backend-test-utils';
import { eachSettled, evaluationRound } from './evaluationRound';

describe('evaluationRound', () => {
  it('runs the service alerts when the KPI step fails, logs it, and fails the round naming it', async () => {
    const logger = mockServices.logger.mock();
    const ran: string[] = [];
    await expect(
      evaluationRound(
        [
          {
            name: 'KPI alerts',
            run: async () => {
              throw new Error('the database does not answer');
            },
          },
          { name: 'service alerts', run: async () => void ran.push('service') },
          { name: 'alert gauges', run: async () => void ran.push('gauges') },
        ],
        logger,
      ),
    ).rejects.toThrow('Alert evaluation: KPI alerts failed');
    expect(ran).toEqual(['service', 'gauges']);
    expect(logger.error).toHaveBeenCalledWith(
      'Alert evaluation: KPI alerts failed',
      expect.objectContaining({ message: 'the database does not answer' }),
    );
  });

  it('resolves when every step does', async () => {
    const logger = mockServices.logger.mock();
    await expect(
      evaluationRound([{ name: 'a', run: async () => {} }], logger),
    ).resolves.toBeUndefined();
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('eachSettled', () => {
  it('runs every item and names the ones that failed', async () => {
    const done: number[] = [];
    await expect(
      eachSettled(
        [1, 2, 3],
        n => `rule ${n}`,
        async n => {
          if (n === 2) throw new Error('conflict');
          done.push(n);
        },
      ),
    ).rejects.toThrow('rule 2 failed: conflict');
    expect(done).toEqual([1, 3]);
  });
});

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { RecordStore } from '../database/RecordStore';
import { generateSampleBusiness } from '../sample/sampleBusiness';

/**
 * Which records the KPIs are computed from: the generated sample business (the embedded
 * default, loaded through the import path on first start and labelled "sample data") or
 * real records. The first real record removes the sample, so the two never mix.
 */
export class RealRecords {
  constructor(
    private readonly options: {
      store: RecordStore;
      logger: LoggerService;
      /** False when config turns the sample off (a real source is configured). */
      sampleEnabled: boolean;
    },
  ) {}

  /** Loads the sample on a first start with no records; true when it did. */
  async loadSampleIfEmpty(now: Date): Promise<boolean> {
    const { store, logger, sampleEnabled } = this.options;
    const state = await store.getFact('records');
    if (state !== undefined) return false;
    if (!sampleEnabled) {
      await store.setFact('records', 'real');
      return false;
    }
    const started = Date.now();
    const result = await store.import(
      generateSampleBusiness({ until: now }),
      'sample',
      now,
    );
    await store.setFact('records', 'sample');
    await store.setFact('sample_loaded_at', now.toISOString());
    logger.info(
      `Loaded the sample business: ${result.inserted.billing} billing events, ${
        result.customers
      } companies, in ${Date.now() - started} ms`,
    );
    return true;
  }

  /** Real records arrived: the sample goes. */
  async arrived(now: Date): Promise<void> {
    const { store, logger } = this.options;
    if ((await store.getFact('records')) !== 'sample') return;
    await store.removeSource('sample', now);
    await store.setFact('records', 'real');
    logger.info(
      'Real business records arrived: the sample business was removed',
    );
  }

  async isSample(): Promise<boolean> {
    return (await this.options.store.getFact('records')) === 'sample';
  }
}

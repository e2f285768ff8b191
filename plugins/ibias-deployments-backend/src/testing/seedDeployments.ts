import type {
  DeploymentStore,
  NewDeployment,
  StoredDeployment,
} from '../database/DeploymentStore';

/**
 * A production deployment of component:default/ibias-api waiting for approval, as tests
 * seed it straight into the store; `overrides` change any field.
 */
export async function seedDeployment(
  store: DeploymentStore,
  overrides: Partial<NewDeployment> = {},
): Promise<StoredDeployment> {
  const { deployment } = await store.create({
    entityRef: 'component:default/ibias-api',
    environment: 'production',
    version: '1.1.0',
    previousVersion: null,
    strategy: 'blue-green',
    status: 'pending_approval',
    steps: [],
    initiatedBy: 'user:default/guest',
    ...overrides,
  });
  return deployment;
}

/**
 * A production history: each version deployed and succeeded in turn (queued, running,
 * succeeded, with the environment's state), so the last one runs now. Returns them in
 * that order.
 */
export async function seedHistory(
  store: DeploymentStore,
  versions: string[],
  overrides: Partial<NewDeployment> = {},
): Promise<StoredDeployment[]> {
  const out: StoredDeployment[] = [];
  for (const version of versions) {
    const d = await seedDeployment(store, {
      version,
      status: 'queued',
      ...overrides,
    });
    await store.update(d.id, 0, { status: 'running' });
    const done = await store.update(d.id, 1, {
      status: 'succeeded',
      finishedAt: new Date().toISOString(),
      environmentState: {
        version,
        since: new Date().toISOString(),
        deployedBy: d.initiatedBy,
        strategy: d.strategy,
        deploymentId: d.id,
      },
    });
    if (!done) throw new Error(`Could not seed ${version}`);
    out.push(done);
  }
  return out;
}

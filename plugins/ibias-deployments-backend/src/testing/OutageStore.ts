import type { DeploymentStore } from '../database/DeploymentStore';

/**
 * A real store behind a switch: while `down`, every call fails as a PostgreSQL client
 * does when the server is gone (connect ECONNREFUSED). The fault stage of `npm test`
 * stops a real PostgreSQL; this is the same fault at unit-test speed.
 */
export class OutageStore {
  down = false;
  /** Calls refused while down, by method. */
  refused: string[] = [];
  readonly store: DeploymentStore;

  constructor(inner: DeploymentStore) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (this.down) {
            this.refused.push(String(property));
            return Promise.reject(
              Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
                code: 'ECONNREFUSED',
              }),
            );
          }
          return value.apply(target, args);
        };
      },
    });
  }

  /** Takes the database away for `ms`. */
  outage(ms: number): Promise<void> {
    this.down = true;
    return new Promise(resolve =>
      setTimeout(() => {
        this.down = false;
        resolve();
      }, ms),
    );
  }
}

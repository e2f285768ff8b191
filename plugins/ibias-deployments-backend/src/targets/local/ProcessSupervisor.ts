import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  freePort,
  isSameProcess,
  processIdentity,
  startUntrusted,
  stopProcessGroup,
  waitUntilReady,
  type ProcessIdentity,
} from '@internal/ibias-service-runner';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';

/** A running release of a service in an environment. */
export interface Instance {
  version: string;
  /** The commit the release tag named when this instance was built. */
  commit: string;
  port: number;
  child: ChildProcess;
  /** Who the process is beyond its pid (undefined if it exited before we could tell). */
  identity?: ProcessIdentity;
}

/** One running release in the registry file, for reaping after a crash. */
interface RegistryEntry {
  entityRef: string;
  environment: string;
  version: string;
  identity: ProcessIdentity;
}

/**
 * Routers, instances, loads and the registry are keyed by the normalised entity ref
 * and the environment, never by the name: `resource:default/x` or
 * `component:other/x` never reach `component:default/x`'s router or processes.
 */
export function instanceKey(ref: Pick<TargetRef, 'entityRef' | 'environment'>) {
  return `${ref.entityRef.toLocaleLowerCase('en-US')}#${ref.environment}`;
}

function parseInstanceKey(key: string) {
  const i = key.lastIndexOf('#');
  return { entityRef: key.slice(0, i), environment: key.slice(i + 1) };
}

export interface ProcessSupervisorOptions {
  /** Where the process registry (`processes.json`) is kept. */
  workDir: string;
  logger: LoggerService;
  /** Each instance is also written here as a Prometheus file_sd target, when set. */
  prometheusTargetsFile?: string;
  /** How long a started release may take to answer /ready (default 30 s). */
  readyTimeoutMs?: number;
  /** Each readiness request gives up after this long (default 5 s). */
  probeTimeoutMs?: number;
}

/**
 * The local target's running releases: starts each built release as a process of its own
 * (with `untrustedEnv`, in its own process group) on a free loopback port, waits until it
 * is ready, stops what is no longer wanted, and records every process in a registry file
 * so that a backend that crashed can stop, after its restart, what it left running.
 */
export class ProcessSupervisor {
  private readonly instances = new Map<string, Instance[]>();
  private readonly registry: string;

  constructor(private readonly options: ProcessSupervisorOptions) {
    this.registry = path.join(options.workDir, 'processes.json');
  }

  /** The running instances of a service in an environment. */
  list(ref: TargetRef): Instance[] {
    return this.instances.get(instanceKey(ref)) ?? [];
  }

  instance(ref: TargetRef, version: string): Instance | undefined {
    return this.list(ref).find(i => i.version === version);
  }

  /**
   * Starts a built release (`node <entry>` in `dir`) and waits until it answers /ready;
   * an instance of the same version is replaced in the list.
   */
  async start(
    ref: TargetRef,
    release: {
      version: string;
      commit: string;
      dir: string;
      entry: string;
      env: Record<string, string>;
    },
  ): Promise<Instance> {
    const label = `${ref.service}@${release.version}`;
    const port = await freePort();
    // A release is code the portal did not write: none of the portal's secrets.
    const child = startUntrusted(process.execPath, [release.entry], {
      cwd: release.dir,
      env: { ...release.env, PORT: String(port) },
      stdout: false,
    });
    const identity =
      child.pid === undefined ? undefined : await processIdentity(child.pid);
    child.stderr?.on('data', d =>
      this.options.logger.warn(`${label}: ${String(d).trim()}`),
    );
    const instance: Instance = {
      version: release.version,
      commit: release.commit,
      port,
      child,
      identity,
    };
    this.instances.set(instanceKey(ref), [
      ...this.list(ref).filter(i => i.version !== release.version),
      instance,
    ]);
    await this.save();
    await waitUntilReady(`http://127.0.0.1:${port}`, {
      child,
      label,
      timeoutMs: this.options.readyTimeoutMs ?? 30_000,
      requestTimeoutMs: this.options.probeTimeoutMs ?? 5_000,
    });
    return instance;
  }

  /** Stops every instance of the service in the environment except `keep`. */
  async retain(ref: TargetRef, keep: string | null) {
    for (const i of this.list(ref)) {
      if (i.version !== keep) void stopProcessGroup(i.child);
    }
    this.instances.set(
      instanceKey(ref),
      this.list(ref).filter(i => i.version === keep),
    );
    await this.save();
  }

  /** Stops everything (the backend shuts down). */
  async stopAll() {
    const all = [...this.instances.values()].flat();
    this.instances.clear();
    await Promise.all(all.map(i => stopProcessGroup(i.child)));
    await this.save().catch(() => undefined);
  }

  /**
   * Kills processes a previous backend left behind (after a crash), so no environment
   * keeps a version the database does not know about: only those provably ours (same
   * boot, same start time as recorded). Bare pids (the old format), malformed entries and
   * processes that are someone else's now (a reused pid) are never touched.
   */
  async reapOrphans() {
    let entries: unknown;
    try {
      entries = JSON.parse(await fs.readFile(this.registry, 'utf8'));
    } catch {
      return;
    }
    for (const entry of Array.isArray(entries) ? entries : []) {
      const identity = (entry as Partial<RegistryEntry> | null)?.identity;
      if (!identity || !(await isSameProcess(identity))) {
        this.options.logger.info(
          `Not reaping ${JSON.stringify(
            entry,
          )}: not provably a process this portal started`,
        );
        continue;
      }
      // Its group, with what it started; a process from before groups were used alone.
      try {
        process.kill(-identity.pid, 'SIGKILL');
      } catch {
        try {
          process.kill(identity.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      this.options.logger.info(
        `Stopped orphaned sample process ${identity.pid}`,
      );
    }
    await this.save();
  }

  /** Saves run one after another: two at once interleaved their writes of one file. */
  private saving: Promise<void> = Promise.resolve();

  private save(): Promise<void> {
    const next = this.saving.then(
      () => this.writeFiles(),
      () => this.writeFiles(),
    );
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** The registry and Prometheus's targets, each written whole and renamed into place. */
  private async writeFiles() {
    const all = [...this.instances.entries()].flatMap(([key, list]) =>
      list.map(instance => ({ ...parseInstanceKey(key), instance })),
    );
    const entries: RegistryEntry[] = all.flatMap(
      ({ entityRef, environment, instance }) =>
        instance.identity
          ? [
              {
                entityRef,
                environment,
                version: instance.version,
                identity: instance.identity,
              },
            ]
          : [],
    );
    await fs.mkdir(this.options.workDir, { recursive: true });
    await fs.writeFile(`${this.registry}.tmp`, JSON.stringify(entries));
    await fs.rename(`${this.registry}.tmp`, this.registry);
    const file = this.options.prometheusTargetsFile;
    if (file) {
      const targets = all.map(({ entityRef, environment, instance }) => ({
        targets: [`127.0.0.1:${instance.port}`],
        labels: {
          ibias_entity: entityRef,
          ibias_service: parseEntityRef(entityRef).name,
          ibias_environment: environment,
          version: instance.version,
        },
      }));
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Written whole and renamed, so Prometheus never reads half a file.
      await fs.writeFile(`${file}.tmp`, JSON.stringify(targets, null, 2));
      await fs.rename(`${file}.tmp`, file);
    }
  }
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ProcessTimeoutError,
  runToEnd,
  seconds,
} from '@internal/ibias-service-runner';
import type { GitRepository } from './GitRepository';

/** What `npm start` runs when package.json does not say `node <entry>` (ibias-service). */
export const DEFAULT_ENTRY = 'dist/src/server.js';

/** A release that could not be built: the step and its exit code, never its output. */
export class ReleaseBuildError extends Error {}

/** A build command that exited unsuccessfully. */
class BuildCommandError extends Error {
  constructor(readonly exitCode: number | string) {
    super(`exit ${exitCode}`);
  }
}

/** A built release: its folder and the entry point to start with node. */
export interface BuiltRelease {
  dir: string;
  entry: string;
  commit: string;
}

const COMMIT = /^[0-9a-f]{40,64}$/;

/**
 * The entry point `npm start` runs, from package.json's `start` script (`… && node
 * <entry>`, as both templates write it), or DEFAULT_ENTRY. Only a relative path inside the
 * release's folder is accepted.
 */
export function startEntry(packageJson: unknown): string {
  const start = (packageJson as { scripts?: { start?: unknown } } | null)
    ?.scripts?.start;
  if (typeof start !== 'string') return DEFAULT_ENTRY;
  const match = /(?:^|&&|;)\s*node\s+([A-Za-z0-9_./-]+)\s*$/.exec(start);
  if (!match) return DEFAULT_ENTRY;
  const entry = path.posix.normalize(match[1]);
  if (
    path.posix.isAbsolute(entry) ||
    entry === '..' ||
    entry.startsWith('../') ||
    entry.startsWith('-')
  ) {
    throw new ReleaseBuildError(
      'package.json’s start script names an entry outside the release',
    );
  }
  return entry;
}

/**
 * Builds releases from their tags, the way the verification gate does (`npm ci`,
 * `npm run build`, then the entry `npm start` names), and keeps each build by the
 * commit its tag names: `<dir>/<service>/<commit>`. A build is made in a scratch folder
 * and renamed when complete, so what exists is whole; a moved tag names another commit
 * and is built again. Builds of one service run one at a time. Every command runs with
 * `untrustedEnv` (the repository's install scripts and build are code the portal did
 * not write) and is killed, with what it started, after `timeoutMs`.
 */
export class ReleaseBuilds {
  /** commit folder → the build making it. */
  private readonly building = new Map<string, Promise<BuiltRelease>>();
  /** service → the tail of its queue of builds. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Services whose folder was swept of stale scratch folders in this process. */
  private readonly swept = new Set<string>();

  constructor(
    private readonly options: {
      dir: string;
      logger: LoggerService;
      npmCommand?: string;
      timeoutMs?: number;
    },
  ) {}

  /** The build of `version` (tag → `commit`) of `service` from `repository`. */
  build(
    service: string,
    repository: GitRepository,
    version: string,
    commit: string,
  ): Promise<BuiltRelease> {
    if (!COMMIT.test(commit)) {
      return Promise.reject(new ReleaseBuildError(`Not a commit: ${commit}`));
    }
    const target = path.join(this.options.dir, service, commit);
    let build = this.building.get(target);
    if (!build) {
      const queued = (this.queues.get(service) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => this.buildNow(service, repository, version, commit));
      build = queued.finally(() => this.building.delete(target));
      this.building.set(target, build);
      this.queues.set(
        service,
        build.catch(() => undefined),
      );
    }
    return build;
  }

  private async buildNow(
    service: string,
    repository: GitRepository,
    version: string,
    commit: string,
  ): Promise<BuiltRelease> {
    const serviceDir = path.join(this.options.dir, service);
    const target = path.join(serviceDir, commit);
    await this.sweep(service);
    if (await isDirectory(target)) {
      return { dir: target, entry: await this.entryOf(target), commit };
    }
    const label = `${service} ${version} (${commit.slice(0, 12)})`;
    const scratch = path.join(
      serviceDir,
      `.${commit}.tmp-${randomBytes(4).toString('hex')}`,
    );
    const step = async (name: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (e) {
        let why: string;
        if (e instanceof ReleaseBuildError) why = e.message;
        else if (e instanceof ProcessTimeoutError) {
          why = `${name} did not finish within ${seconds(e.timeoutMs)} s`;
        } else if (e instanceof BuildCommandError) {
          why = `${name} failed (exit ${e.exitCode})`;
        } else why = `${name} failed (exit not started)`;
        throw new ReleaseBuildError(`Building ${label} failed: ${why}`);
      }
    };
    const npm = this.options.npmCommand ?? 'npm';
    this.options.logger.info(`Building ${label} in ${target}`);
    try {
      await fs.mkdir(scratch, { recursive: true });
      await step('exporting the tag', () =>
        repository.exportTree(commit, scratch),
      );
      await step('npm ci', () =>
        this.run(npm, ['ci', '--no-audit', '--no-fund'], scratch),
      );
      await step('npm run build', () =>
        this.run(npm, ['run', 'build', '--silent'], scratch),
      );
      let entry = DEFAULT_ENTRY;
      await step('reading the start entry', async () => {
        entry = await this.entryOf(scratch);
      });
      await fs.rename(scratch, target);
      return { dir: target, entry, commit };
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  /** The start entry of a built release, which must be a file the build made. */
  private async entryOf(dir: string): Promise<string> {
    let pkg: unknown;
    try {
      pkg = JSON.parse(
        await fs.readFile(path.join(dir, 'package.json'), 'utf8'),
      );
    } catch {
      throw new ReleaseBuildError('package.json is missing or not JSON');
    }
    const entry = startEntry(pkg);
    const stat = await fs.lstat(path.join(dir, entry)).catch(() => undefined);
    if (!stat?.isFile()) {
      throw new ReleaseBuildError(`the build made no ${entry} to start`);
    }
    return entry;
  }

  /**
   * Once per service and process: removes scratch folders an interrupted build left and
   * what is not a commit's build (the flat build of earlier versions of this target).
   */
  private async sweep(service: string) {
    if (this.swept.has(service)) return;
    this.swept.add(service);
    const serviceDir = path.join(this.options.dir, service);
    const entries = await fs.readdir(serviceDir).catch(() => [] as string[]);
    for (const name of entries) {
      if (!COMMIT.test(name)) {
        await fs.rm(path.join(serviceDir, name), {
          recursive: true,
          force: true,
        });
      }
    }
  }

  /** Runs one build command; rejects with its exit code (output goes to the log only). */
  private async run(command: string, args: string[], cwd: string) {
    const result = await runToEnd(command, args, {
      cwd,
      env: { NEXT_TELEMETRY_DISABLED: '1' },
      timeoutMs: this.options.timeoutMs ?? 10 * 60_000,
      maxOutputChars: 2_000,
    });
    if (result.exitCode === 0) return;
    // For the operator, in the portal's log; never in what users are told.
    this.options.logger.warn(
      `${command} ${args.join(' ')} in ${cwd}:\n${result.output}`,
    );
    throw new BuildCommandError(result.exitCode ?? result.signal ?? 'unknown');
  }
}

async function isDirectory(p: string) {
  const stat = await fs.lstat(p).catch(() => undefined);
  return Boolean(stat?.isDirectory());
}

import fs from 'node:fs/promises';

/**
 * Who a process is, beyond its pid: pids are reused, so a pid alone written to a file
 * before a crash may name somebody else's process after the restart. On Linux the pair
 * (boot, start time in clock ticks since boot) is unique for a pid; elsewhere nothing is
 * known and nothing is ever claimed to be ours.
 */
export interface ProcessIdentity {
  pid: number;
  /** /proc/sys/kernel/random/boot_id */
  bootId: string;
  /** Field 22 of /proc/<pid>/stat: when the process started, in ticks since boot. */
  startTicks: string;
}

async function readStartTicks(pid: number): Promise<string | undefined> {
  const stat = await fs
    .readFile(`/proc/${pid}/stat`, 'utf8')
    .catch(() => undefined);
  if (!stat) return undefined;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the
  // last ')'; starttime is field 22, the 20th after comm.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  return fields[19];
}

async function readBootId(): Promise<string | undefined> {
  const id = await fs
    .readFile('/proc/sys/kernel/random/boot_id', 'utf8')
    .catch(() => undefined);
  return id?.trim() || undefined;
}

/** The identity of a running process, or undefined when it is gone or unknowable. */
export async function processIdentity(
  pid: number,
): Promise<ProcessIdentity | undefined> {
  const [bootId, startTicks] = await Promise.all([
    readBootId(),
    readStartTicks(pid),
  ]);
  return bootId && startTicks ? { pid, bootId, startTicks } : undefined;
}

/** True only when the process running under that pid now is provably the one recorded. */
export async function isSameProcess(recorded: unknown): Promise<boolean> {
  if (!isProcessIdentity(recorded)) return false;
  const now = await processIdentity(recorded.pid);
  return (
    now !== undefined &&
    now.bootId === recorded.bootId &&
    now.startTicks === recorded.startTicks
  );
}

export function isProcessIdentity(value: unknown): value is ProcessIdentity {
  const v = value as Partial<ProcessIdentity> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.pid) &&
    (v.pid ?? 0) > 1 &&
    typeof v.bootId === 'string' &&
    typeof v.startTicks === 'string' &&
    /^\d+$/.test(v.startTicks)
  );
}

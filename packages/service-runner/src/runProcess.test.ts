import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import {
  ProcessAbortedError,
  ProcessStartError,
  ProcessTimeoutError,
  runToEnd,
  startUntrusted,
  stopProcessGroup,
} from './runProcess';
import { ServiceNotReadyError, waitUntilReady } from './waitUntilReady';
import { freePort } from './freePort';

const node = process.execPath;
const cwd = os.tmpdir();

/** Whether `pid` still runs (a killed process nobody has reaped yet counts as gone). */
function isAlive(pid: number) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 3_000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return check();
}

// A script that starts a grandchild (in the same group) sleeping a minute and prints its pid.
const WITH_GRANDCHILD = `
const { spawn } = require('node:child_process');
const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
console.log('grandchild ' + g.pid);
setInterval(() => {}, 1000);
`;

describe('runToEnd', () => {
  it.each([
    [0, 'process.stdout.write("out"); process.stderr.write("err")'],
    [
      3,
      'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)',
    ],
  ])('resolves with exit code %i and the output', async (code, script) => {
    const seen: string[] = [];
    const result = await runToEnd(node, ['-e', script], {
      cwd,
      timeoutMs: 10_000,
      onOutput: text => seen.push(text),
    });
    expect(result).toMatchObject({
      exitCode: code,
      signal: null,
      stdout: 'out',
      truncated: false,
    });
    expect([...result.output].sort().join('')).toBe(
      [...'outerr'].sort().join(''),
    );
    expect(seen.join('')).toHaveLength(6);
  });

  it('keeps only the latest output past the cap', async () => {
    const result = await runToEnd(
      node,
      [
        '-e',
        'for (let i = 0; i < 5000; i++) console.log(String(i).padStart(4, "0"))',
      ],
      { cwd, timeoutMs: 10_000, maxOutputChars: 100 },
    );
    expect(result.truncated).toBe(true);
    expect(result.stdout).toHaveLength(100);
    expect(result.output).toHaveLength(100);
    expect(result.stdout.endsWith('4999\n')).toBe(true);
  });

  it('kills the whole process group when the time is up', async () => {
    let grandchild = 0;
    const run = runToEnd(node, ['-e', WITH_GRANDCHILD], {
      cwd,
      timeoutMs: 1_500,
      onOutput: text => {
        grandchild = Number(/grandchild (\d+)/.exec(text)?.[1] ?? grandchild);
      },
    });
    await expect(run).rejects.toThrow(ProcessTimeoutError);
    await expect(run).rejects.toThrow(/' did not finish within 1\.5 s$/);
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !isAlive(grandchild))).toBe(true);
  });

  it('kills what the command left in its group when it exits', async () => {
    const result = await runToEnd(
      node,
      [
        '-e',
        WITH_GRANDCHILD.replace('setInterval(() => {}, 1000);', 'g.unref();'),
      ],
      { cwd, timeoutMs: 10_000 },
    );
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
    expect(result.exitCode).toBe(0);
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !isAlive(grandchild))).toBe(true);
  });

  it('stops the command and its group when the caller aborts', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const run = runToEnd(node, ['-e', WITH_GRANDCHILD], {
      cwd,
      timeoutMs: 60_000,
      signal: controller.signal,
      onOutput: text => {
        grandchild = Number(/grandchild (\d+)/.exec(text)?.[1] ?? grandchild);
        controller.abort();
      },
    });
    await expect(run).rejects.toThrow(ProcessAbortedError);
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => !isAlive(grandchild))).toBe(true);
    await expect(
      runToEnd(node, ['-e', '0'], {
        cwd,
        timeoutMs: 1_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow(ProcessAbortedError);
  });

  it('rejects when the command cannot be started', async () => {
    await expect(
      runToEnd('/nonexistent/ibias-tool', [], { cwd, timeoutMs: 1_000 }),
    ).rejects.toThrow(ProcessStartError);
  });

  it('runs in the folder it is given, with the allow-listed environment plus its own settings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-runner-'));
    process.env.IBIAS_TEST_SECRET = 'secret';
    try {
      const { stdout } = await runToEnd(
        node,
        [
          '-e',
          'process.stdout.write(JSON.stringify({ cwd: process.cwd(), env: process.env }))',
        ],
        { cwd: dir, timeoutMs: 10_000, env: { PORT: '1234' } },
      );
      const seen = JSON.parse(stdout);
      expect(fs.realpathSync(seen.cwd)).toBe(fs.realpathSync(dir));
      expect(seen.env.PORT).toBe('1234');
      expect(seen.env.PATH).toBe(process.env.PATH);
      expect(seen.env.IBIAS_TEST_SECRET).toBeUndefined();
    } finally {
      delete process.env.IBIAS_TEST_SECRET;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stopProcessGroup', () => {
  it('stops a started service and what it started, SIGKILL when it ignores SIGTERM', async () => {
    const child = startUntrusted(
      node,
      ['-e', `process.on('SIGTERM', () => {}); ${WITH_GRANDCHILD}`],
      { cwd, stderr: false },
    );
    const grandchild = await new Promise<number>(resolve =>
      child.stdout!.on('data', d =>
        resolve(Number(/grandchild (\d+)/.exec(String(d))?.[1])),
      ),
    );
    await stopProcessGroup(child, 300);
    expect(child.signalCode).toBe('SIGKILL');
    expect(await eventually(() => !isAlive(grandchild))).toBe(true);
  });
});

describe('waitUntilReady', () => {
  it('waits until /ready answers 2xx', async () => {
    let calls = 0;
    const server = http.createServer((_req, res) => {
      calls += 1;
      res.statusCode = calls < 3 ? 503 : 200;
      res.end();
    });
    const port = await freePort();
    await new Promise<void>(r => server.listen(port, '127.0.0.1', r));
    try {
      await waitUntilReady(`http://127.0.0.1:${port}`, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      expect(calls).toBe(3);
    } finally {
      await new Promise(r => server.close(r));
    }
  });

  it.each<[string, () => Promise<unknown>, string, RegExp]>([
    [
      'the process exits first',
      async () => {
        const child = startUntrusted(node, ['-e', 'process.exit(4)'], { cwd });
        await new Promise(r => child.on('exit', r));
        return waitUntilReady(`http://127.0.0.1:${await freePort()}`, {
          child,
          timeoutMs: 5_000,
          label: 'tiny@1.0.0',
        });
      },
      'exited',
      /^tiny@1\.0\.0 exited with code 4$/,
    ],
    [
      'the time is up',
      async () =>
        waitUntilReady(`http://127.0.0.1:${await freePort()}`, {
          timeoutMs: 300,
          intervalMs: 50,
        }),
      'timeout',
      /^The service was not ready within 0\.3 s$/,
    ],
    [
      'the caller aborts',
      async () =>
        waitUntilReady(`http://127.0.0.1:${await freePort()}`, {
          timeoutMs: 5_000,
          signal: AbortSignal.abort(),
        }),
      'aborted',
      /cancelled/,
    ],
  ])('fails when %s', async (_, wait, reason, message) => {
    const error = await wait().then(
      () => undefined,
      e => e,
    );
    expect(error).toBeInstanceOf(ServiceNotReadyError);
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(message);
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// scripts/provision.sh, the first thing `npm test` runs: what it says and does on a machine
// that lacks a piece, as another user and as root, and how fast. The pieces are stubs in a
// PATH of the test's own and PostgreSQL is a fake server that speaks the protocol's start,
// so nothing is installed and the machine's own Chromium, Prometheus and PostgreSQL are not
// touched. Non-root runs use `setpriv` to nobody (or the test's own user when it is not root);
// root runs use the test's root (or a user namespace that maps the test's user to root).

const repoRoot = path.resolve(__dirname, '../../..');
const isRoot = process.getuid?.() === 0;

const PIECES = {
  chromium: [] as string[], // a file at CHROMIUM_PATH, not a command
  prometheus: ['prometheus', 'promtool'],
  git: ['git'],
  curl: ['curl'],
  ps: ['ps'],
  buildTools: ['python3', 'make', 'g++'],
};
type Piece = keyof typeof PIECES;
const ALL_PIECES = Object.keys(PIECES) as Piece[];
const STUBBED_COMMANDS = [...Object.values(PIECES).flat(), 'apt-get'];

function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const file = path.join(dir, name);
    if (dir && fs.existsSync(file)) return file;
  }
  throw new Error(`${name} is not on PATH`);
}
const bash = which('bash');

// Everything here must be readable by nobody: the system's tmp folder, opened up.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-provision-'));
fs.chmodSync(scratch, 0o755);
const script = path.join(scratch, 'provision.sh');
fs.copyFileSync(path.join(repoRoot, 'scripts/provision.sh'), script);
fs.chmodSync(script, 0o755);

// The system's commands, without any of the pieces (those come from each case's stubs).
const systemBin = path.join(scratch, 'system-bin');
fs.mkdirSync(systemBin, { mode: 0o755 });
for (const dir of [
  '/usr/local/bin',
  '/usr/bin',
  '/bin',
  '/usr/sbin',
  '/sbin',
]) {
  if (!fs.existsSync(dir)) continue;
  for (const name of fs.readdirSync(dir)) {
    const link = path.join(systemBin, name);
    if (STUBBED_COMMANDS.includes(name) || fs.existsSync(link)) continue;
    fs.symlinkSync(path.join(dir, name), link);
  }
}

// apt-get as a stub: records each call; `update` fails like apt without a network when
// STUB_APT=offline, or says nothing for half a minute (a resolver that does not answer)
// when STUB_APT=silent; `install chromium` puts a browser at STUB_CHROMIUM.
const APT_STUB = `#!/bin/sh
echo "$*" >>"$STUB_LOG"
case "$1" in
  update)
    if [ "$STUB_APT" = offline ]; then
      echo "E: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'"
      exit 100
    fi
    [ "$STUB_APT" = silent ] && exec sleep 30 ;;
  install)
    for p in "$@"; do
      [ "$p" = chromium ] && printf '#!/bin/sh\\n' >"$STUB_CHROMIUM" && chmod 755 "$STUB_CHROMIUM"
    done ;;
esac
exit 0
`;

let boxes = 0;
/** A PATH, a Chromium and an apt-get log for one case, with only `present` pieces. */
function makeBox(present: Piece[]) {
  const dir = path.join(scratch, `box-${++boxes}`);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.chmodSync(dir, 0o777); // apt-get writes its log and the browser here, as any user
  fs.chmodSync(bin, 0o755);
  const write = (file: string, text: string) => {
    fs.writeFileSync(file, text);
    fs.chmodSync(file, 0o755);
  };
  for (const piece of present) {
    for (const cmd of PIECES[piece]) write(path.join(bin, cmd), '#!/bin/sh\n');
  }
  const chromium = path.join(dir, 'chromium');
  if (present.includes('chromium')) write(chromium, '#!/bin/sh\n');
  write(path.join(bin, 'apt-get'), APT_STUB);
  const log = path.join(dir, 'apt-get.log');
  return {
    env: {
      PATH: `${bin}:${systemBin}`,
      CHROMIUM_PATH: chromium,
      STUB_CHROMIUM: chromium,
      STUB_LOG: log,
    },
    aptCalls: () =>
      fs.existsSync(log)
        ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)
        : [],
  };
}

type FakePostgres = { url: string; close: () => Promise<void> };
/** A server that answers a startup message as PostgreSQL would: trust, or a password. */
async function fakePostgres(
  answer: 'trust' | 'password' | 'no such role',
): Promise<FakePostgres> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const server = net.createServer(socket => {
    socket.once('data', () => {
      if (answer === 'trust') {
        socket.write(message('R', int32(0)));
        socket.write(message('Z', Buffer.from('I')));
      } else if (answer === 'password') {
        socket.write(
          message(
            'R',
            Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\0\0')]),
          ),
        );
      } else {
        socket.write(message('E', Buffer.from('SFATAL\0C28000\0\0')));
      }
      socket.end();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

type Run = { code: number | null; stderr: string; ms: number };
/** Runs the script as root or as another user, with only `env` in its environment. */
function provision(
  as: 'root' | 'user' | 'self',
  env: Record<string, string>,
): Promise<Run> {
  let command: string[];
  if (as === 'self') {
    command = [bash, script];
  } else if (as === 'user') {
    command = isRoot
      ? [
          which('setpriv'),
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          bash,
          script,
        ]
      : [bash, script];
  } else {
    command = isRoot
      ? [bash, script]
      : [which('unshare'), '--map-root-user', bash, script];
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      env: { HOME: scratch, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stdout.on('data', d => (stderr += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('close', code =>
      resolve({
        code,
        stderr,
        ms: Date.now() - started,
      }),
    );
  });
}

describe('scripts/provision.sh', () => {
  let postgres: FakePostgres;
  beforeAll(async () => {
    postgres = await fakePostgres('trust');
  });
  afterAll(async () => {
    await postgres.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  describe('where it cannot install (not root)', () => {
    it('names Chromium and the command that installs it, within 10 s, exit 1', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      const run = await provision('user', {
        ...box.env,
        CHROMIUM_PATH: '/nonexistent',
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain('not root, so nothing is installed');
      expect(run.stderr).toContain('Chromium at /nonexistent (CHROMIUM_PATH)');
      expect(run.stderr).toContain(
        'apt-get update && apt-get install -y chromium\n',
      );
      expect(run.stderr).not.toMatch(/Prometheus|PostgreSQL at|git,/);
      expect(box.aptCalls()).toEqual([]);
    });

    it('names Prometheus when prometheus or promtool is not on PATH', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'prometheus'));
      // promtool alone is not enough: the test needs both
      fs.writeFileSync(
        path.join(box.env.PATH.split(':')[0], 'promtool'),
        '#!/bin/sh\n',
        {
          mode: 0o755,
        },
      );
      const run = await provision('user', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain(
        'Prometheus (prometheus and promtool on PATH)',
      );
      expect(run.stderr).toContain('apt-get install -y prometheus\n');
      expect(run.stderr).not.toContain('Chromium at');
    });

    it('names PostgreSQL and how to start it with trust auth when nothing answers', async () => {
      const box = makeBox(ALL_PIECES);
      const port = await closedPort();
      const run = await provision('user', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: `postgresql://postgres@127.0.0.1:${port}`,
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain(
        `PostgreSQL at 127.0.0.1:${port} letting postgres in without a password, for the database tests (nothing answers there)`,
      );
      expect(run.stderr).toContain('host all all 127.0.0.1/32 trust');
      expect(run.stderr).toMatch(
        /pg_ctlcluster --skip-systemctl-redirect \d+ main start/,
      );
      expect(run.stderr).toContain('IBIAS_TEST_POSTGRES_URL');
    });

    it.each([
      ['password', 'it asks for a password'],
      ['no such role', 'it refuses the connection'],
    ] as const)(
      'names PostgreSQL when it answers with %s',
      async (answer, why) => {
        const box = makeBox(ALL_PIECES);
        const server = await fakePostgres(answer);
        try {
          const run = await provision('user', {
            ...box.env,
            IBIAS_TEST_POSTGRES_URL: server.url,
          });
          expect(run.code).toBe(1);
          expect(run.stderr).toContain(`(${why})`);
        } finally {
          await server.close();
        }
      },
    );

    it('never prints the password of IBIAS_TEST_POSTGRES_URL', async () => {
      const box = makeBox(ALL_PIECES);
      const port = await closedPort();
      const run = await provision('user', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: `postgresql://postgres:s3cret-pw@127.0.0.1:${port}/ibias`,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'letting postgres in with the password of IBIAS_TEST_POSTGRES_URL',
      );
      expect(run.stderr).not.toContain('s3cret-pw');
    });

    it('accepts a server that asks for the password the URL carries', async () => {
      const box = makeBox(ALL_PIECES);
      const server = await fakePostgres('password');
      try {
        const run = await provision('user', {
          ...box.env,
          IBIAS_TEST_POSTGRES_URL: server.url.replace(
            'postgres@',
            'postgres:pw@',
          ),
        });
        expect(run.stderr).toContain('are present');
        expect(run.code).toBe(0);
      } finally {
        await server.close();
      }
    });

    it('names every missing piece in one message with one install command', async () => {
      const box = makeBox([]);
      const run = await provision('user', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      for (const named of [
        'Chromium at',
        'Prometheus (prometheus and promtool on PATH)',
        'git, for',
        'curl, for',
        'ps (procps)',
        'python3, make and g++',
      ]) {
        expect(run.stderr).toContain(named);
      }
      expect(run.stderr.match(/npm test cannot run here yet/g)).toHaveLength(1);
      expect(run.stderr).toContain(
        'apt-get update && apt-get install -y chromium prometheus git curl procps python3 make g++\n',
      );
    });
  });

  describe('as root', () => {
    it('installs nothing and returns within 2 s when everything is present', async () => {
      const box = makeBox(ALL_PIECES);
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.stderr).toContain('are present');
      expect(run.code).toBe(0);
      expect(run.ms).toBeLessThan(2_000);
      expect(box.aptCalls()).toEqual([]);
    });

    it('stops within 10 s when apt cannot reach its archive, naming what is missing', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
        STUB_APT: 'offline',
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain(
        'apt-get update could not reach the package archive (no network?)',
      );
      expect(run.stderr).toContain('Temporary failure resolving');
      expect(run.stderr).toContain('apt-get install -y chromium\n');
      expect(box.aptCalls()).toHaveLength(1);
      expect(box.aptCalls()[0]).toMatch(/^update /);
    });

    it('stops within 10 s when apt hears nothing from its archive', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
        STUB_APT: 'silent',
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain(
        'no answer from the package archive within 7 s',
      );
      expect(run.stderr).toContain('apt-get install -y chromium\n');
      expect(box.aptCalls()).toEqual([expect.stringMatching(/^update /)]);
    }, 20_000);

    it('installs only what is missing with apt, one log line per piece', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.stderr).toContain('installing chromium with apt: Chromium at');
      expect(run.stderr).toContain('machine provisioned in');
      expect(run.code).toBe(0);
      expect(box.aptCalls()).toEqual([
        expect.stringMatching(/^update /),
        expect.stringMatching(/^install -y -qq .* chromium$/),
      ]);
      // A second run finds it and does nothing.
      const again = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(again.code).toBe(0);
      expect(box.aptCalls()).toHaveLength(2);
    });

    it('says what an installed piece still lacks when apt did not provide it', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'git'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('after installing, these are still missing');
      expect(run.stderr).toContain('git, for');
    });

    it('installs nothing when there is no apt-get (not Debian)', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      fs.rmSync(path.join(box.env.PATH.split(':')[0], 'apt-get'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
      });
      expect(run.code).toBe(1);
      expect(run.ms).toBeLessThan(10_000);
      expect(run.stderr).toContain('not a Debian machine with apt-get');
      expect(run.stderr).toContain('apt-get install -y chromium\n');
    });

    it('installs nothing with IBIAS_PROVISION=check', async () => {
      const box = makeBox(ALL_PIECES.filter(p => p !== 'chromium'));
      const run = await provision('root', {
        ...box.env,
        IBIAS_TEST_POSTGRES_URL: postgres.url,
        IBIAS_PROVISION: 'check',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'IBIAS_PROVISION=check, so nothing is installed',
      );
      expect(box.aptCalls()).toEqual([]);
    });

    it('checks nothing with IBIAS_PROVISION=off, and says so', async () => {
      const box = makeBox([]);
      const run = await provision('root', {
        ...box.env,
        IBIAS_PROVISION: 'off',
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        'IBIAS_PROVISION=off: the machine is not checked',
      );
      expect(box.aptCalls()).toEqual([]);
    });

    it('refuses an unknown IBIAS_PROVISION instead of guessing', async () => {
      const box = makeBox(ALL_PIECES);
      const run = await provision('root', {
        ...box.env,
        IBIAS_PROVISION: 'yes',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'IBIAS_PROVISION must be auto, check or off',
      );
    });
  });

  // npm test provisions the machine before Jest runs: the real pieces are there.
  it('finds everything on this machine, which npm test has provisioned', async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const name of ['CHROMIUM_PATH', 'IBIAS_TEST_POSTGRES_URL']) {
      if (process.env[name]) env[name] = process.env[name]!;
    }
    const run = await provision('self', { ...env, IBIAS_PROVISION: 'check' });
    expect(run.stderr).toContain('are present');
    expect(run.code).toBe(0);
    expect(run.ms).toBeLessThan(2_000);
  });
});

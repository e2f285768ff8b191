import { spawn } from 'node:child_process';
import {
  isProcessIdentity,
  isSameProcess,
  processIdentity,
} from './processIdentity';

// The portal's machines are Linux; elsewhere processIdentity is undefined by design.
describe('processIdentity (Linux)', () => {
  it('knows this process', async () => {
    const id = await processIdentity(process.pid);
    expect(id).toMatchObject({ pid: process.pid });
    expect(id!.startTicks).toMatch(/^\d+$/);
    expect(await isSameProcess(id)).toBe(true);
  });

  it('a recorded identity is not ours once its start time differs (pid reuse)', async () => {
    const id = await processIdentity(process.pid);
    expect(
      await isSameProcess({
        ...id!,
        startTicks: String(Number(id!.startTicks) + 1),
      }),
    ).toBe(false);
    expect(await isSameProcess({ ...id!, bootId: 'another-boot' })).toBe(false);
  });

  it('a process that exited is not ours any more', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)']);
    const id = await processIdentity(child.pid!);
    expect(await isSameProcess(id)).toBe(true);
    const exited = new Promise(r => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    expect(await isSameProcess(id)).toBe(false);
  });

  it.each([
    [undefined],
    [null],
    [1234],
    [{ pid: 1234 }],
    [{ pid: 1, bootId: 'b', startTicks: '1' }],
    [{ pid: 1234, bootId: 'b', startTicks: '1; rm -rf /' }],
    [{ pid: '1234', bootId: 'b', startTicks: '1' }],
  ])('a bare pid or a malformed record is never ours: %j', async value => {
    expect(isProcessIdentity(value)).toBe(false);
    expect(await isSameProcess(value)).toBe(false);
  });
});

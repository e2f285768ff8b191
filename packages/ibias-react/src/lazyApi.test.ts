import { lazyApi } from './lazyApi';

interface Greeter {
  hello(name: string): Promise<string>;
  count(): Promise<number>;
}

describe('lazyApi', () => {
  it('loads the implementation on the first call, once, and forwards arguments', async () => {
    let loads = 0;
    let calls = 0;
    const api = lazyApi<Greeter>(
      async () => {
        loads += 1;
        return {
          hello: async (name: string) => `hello ${name}`,
          count: async () => ++calls,
        };
      },
      { hello: true, count: true },
    );
    expect(loads).toBe(0);
    await expect(api.hello('ada')).resolves.toBe('hello ada');
    await expect(Promise.all([api.count(), api.count()])).resolves.toEqual([
      1, 2,
    ]);
    expect(loads).toBe(1);
  });

  it('passes the implementation’s rejection through unchanged', async () => {
    const failure = new Error('403 Forbidden');
    const api = lazyApi<Greeter>(
      async () => ({
        hello: async () => {
          throw failure;
        },
        count: async () => 0,
      }),
      { hello: true, count: true },
    );
    await expect(api.hello('x')).rejects.toBe(failure);
  });

  it('retries a failed import on the next call instead of remembering it', async () => {
    let attempt = 0;
    const api = lazyApi<Greeter>(
      async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('ChunkLoadError');
        return { hello: async () => 'ok', count: async () => attempt };
      },
      { hello: true, count: true },
    );
    await expect(api.hello('x')).rejects.toThrow('ChunkLoadError');
    await expect(api.hello('x')).resolves.toBe('ok');
    expect(attempt).toBe(2);
  });
});

/**
 * An API implementation whose code loads on first use.
 *
 * `ApiBlueprint` factories run when the app starts, so whatever they import is part of
 * the JavaScript every page loads first. For an API whose every method returns a promise
 * (an HTTP client), this facade stands in for the implementation: the first call imports
 * the module, later calls reuse it, and a failed import is retried on the next call
 * instead of being remembered.
 */
export type AsyncApi<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<R>
    : never;
};

export function lazyApi<T extends AsyncApi<T>>(
  load: () => Promise<T>,
  /** Every method of the API, so that the compiler refuses a facade that misses one. */
  methods: { [K in keyof T]-?: true },
): T {
  let loading: Promise<T> | undefined;
  const impl = () => {
    loading ??= load().catch(error => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const facade: Record<string, unknown> = {};
  for (const method of Object.keys(methods) as Array<keyof T & string>) {
    facade[method] = async (...args: unknown[]) => {
      const api = await impl();
      return (api[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  return facade as T;
}

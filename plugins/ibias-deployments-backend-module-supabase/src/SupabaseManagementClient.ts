/** A function as the Management API describes it (the fields this target reads). */
export interface SupabaseFunctionInfo {
  id: string;
  slug: string;
  name: string;
  status: string;
  version: number;
  ezbr_sha256?: string;
}

/** One file of a function's sources: its path relative to the function root. */
export interface FunctionSourceFile {
  name: string;
  content: Uint8Array;
}

const enc = encodeURIComponent;

/** A Management API call that failed; the message never carries the token. */
export class SupabaseApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'SupabaseApiError';
  }
}

/**
 * A small fetch client for the Edge Functions endpoints of the Supabase Management API
 * (there is no official JS client): bearer auth, `{message}` errors, and 429 retried
 * after `X-RateLimit-Reset` seconds, a bounded number of times.
 */
export class SupabaseManagementClient {
  private readonly baseUrl: string;

  constructor(
    private readonly o: {
      token: string;
      apiUrl: string;
      /** How many times a 429 is retried; default 3. */
      maxRetries?: number;
      /** The longest wait before a retry; default 60 s. */
      maxRetryWaitMs?: number;
      /** Each request gives up after this long; default 30 s. */
      timeoutMs?: number;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {
    this.baseUrl = o.apiUrl.replace(/\/+$/, '');
  }

  listFunctions(ref: string): Promise<SupabaseFunctionInfo[]> {
    return this.json(
      'Listing functions',
      'GET',
      `/v1/projects/${enc(ref)}/functions`,
    );
  }

  /** The function, or undefined when the slug does not exist (404). */
  async getFunction(
    ref: string,
    slug: string,
  ): Promise<SupabaseFunctionInfo | undefined> {
    try {
      return await this.json(
        `Reading function ${slug}`,
        'GET',
        `/v1/projects/${enc(ref)}/functions/${enc(slug)}`,
      );
    } catch (e) {
      if (e instanceof SupabaseApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Creates the slug or replaces what it runs (multipart: `metadata` and `file` parts). */
  deployFunction(
    ref: string,
    slug: string,
    metadata: { entrypoint_path: string; name: string; verify_jwt: boolean },
    files: FunctionSourceFile[],
  ): Promise<SupabaseFunctionInfo> {
    return this.json(
      `Deploying function ${slug}`,
      'POST',
      `/v1/projects/${enc(ref)}/functions/deploy?slug=${enc(slug)}`,
      () => {
        const form = new FormData();
        form.append('metadata', JSON.stringify(metadata));
        for (const f of files) {
          form.append('file', new Blob([f.content]), f.name);
        }
        return form;
      },
    );
  }

  async deleteFunction(ref: string, slug: string): Promise<void> {
    await this.request(
      `Deleting function ${slug}`,
      'DELETE',
      `/v1/projects/${enc(ref)}/functions/${enc(slug)}`,
    );
  }

  private async json<T>(
    what: string,
    method: string,
    path: string,
    body?: () => FormData,
  ): Promise<T> {
    const res = await this.request(what, method, path, body);
    return (await res.json()) as T;
  }

  private async request(
    what: string,
    method: string,
    path: string,
    body?: () => FormData,
  ): Promise<Response> {
    const maxRetries = this.o.maxRetries ?? 3;
    const sleep = this.o.sleep ?? (ms => new Promise(r => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: { Authorization: `Bearer ${this.o.token}` },
          // A FormData is consumed by a request: build it afresh for each attempt.
          body: body?.(),
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
        });
      } catch (e) {
        throw new SupabaseApiError(
          `${what}: the Supabase Management API did not answer (${
            (e as Error).name
          })`,
          0,
        );
      }
      if (res.ok) return res;
      if (res.status === 429 && attempt < maxRetries) {
        await res.arrayBuffer();
        await sleep(this.retryWaitMs(res));
        continue;
      }
      const message = await errorMessage(res);
      throw new SupabaseApiError(
        `${what}: Supabase answered ${res.status}${
          message ? `: ${message}` : ''
        }`,
        res.status,
      );
    }
  }

  /** X-RateLimit-Reset is the seconds left in the window (not an epoch), bounded. */
  private retryWaitMs(res: Response) {
    const seconds = Number(res.headers.get('x-ratelimit-reset'));
    const wanted =
      Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
    return Math.min(wanted, this.o.maxRetryWaitMs ?? 60_000);
  }
}

/** The `message` of a `{message}` body, cut short; never the request's headers. */
async function errorMessage(res: Response): Promise<string | undefined> {
  const text = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.message === 'string') {
      return parsed.message.slice(0, 300);
    }
  } catch {
    // Not JSON: say nothing rather than echo an unknown body.
  }
  return undefined;
}

import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';

/**
 * Reads the ibias-deployments API for another plugin, on behalf of its caller (so that the
 * deployments plugin's own authorization decides what they see) or of the plugin itself
 * (`auth.getOwnServiceCredentials()`, for scheduled work). When the deployments plugin does
 * not answer, the answer is undefined and the reason is logged at debug level, never shown:
 * what other plugins read there is a garnish (deploy markers, the router's records, deploy
 * times) that they do without.
 *
 * @public
 */
export class DeploymentsApi {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      fetch?: typeof fetch;
      /** Default 5 s: the charts are not held up long by what they borrow. */
      timeoutMs?: number;
    },
  ) {}

  async get(
    path: string,
    query: URLSearchParams,
    credentials: BackstageCredentials,
  ): Promise<unknown> {
    try {
      const base = await this.options.discovery.getBaseUrl('ibias-deployments');
      const { token } = await this.options.auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'ibias-deployments',
      });
      const response = await (this.options.fetch ?? fetch)(
        `${base}${path}?${query}`,
        {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        },
      );
      if (!response.ok) {
        this.options.logger.debug(
          `ibias-deployments answered ${path} with ${response.status}`,
        );
        return undefined;
      }
      return await response.json();
    } catch (error) {
      this.options.logger.debug(`ibias-deployments ${path}: ${error}`);
      return undefined;
    }
  }
}

/** @public */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of a JSON answer, or '' for anything else. @public */
export const text = (value: unknown) =>
  typeof value === 'string' ? value : '';

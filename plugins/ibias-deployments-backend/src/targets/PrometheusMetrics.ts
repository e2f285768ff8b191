import type {
  DependencyCheck,
  IntervalMetrics,
} from '@internal/plugin-ibias-deployments-common';
import { checkHttp } from '../health/checkHttp';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';

/**
 * Analysis metrics from Prometheus (PromQL over its HTTP API): requests, 5xx and p95 of
 * one version of a service in one environment since a point in time, from the services'
 * `http_request_duration_seconds` histogram. Series carry `ibias_service`,
 * `ibias_environment` and `version` labels (the local target's file_sd targets set them;
 * on Kubernetes, relabel the pod labels to them).
 */
/** Prometheus answered, but not with a result. */
class PrometheusAnswerError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class PrometheusMetrics {
  constructor(
    private readonly options: {
      url: string;
      /**
       * Which label names the service: `ibias_entity` (the normalised entity ref, as the
       * local target labels its instances) or `ibias_service` (the name, as pods are
       * relabelled on Kubernetes, where the target refuses a second entity of a name).
       */
      match?: 'entity' | 'service';
      /** Per query; default 10 s. */
      timeoutMs?: number;
    },
  ) {}

  static selector(
    ref: TargetRef,
    version: string,
    extra = '',
    match: 'entity' | 'service' = 'service',
  ) {
    const who =
      match === 'entity'
        ? `ibias_entity="${ref.entityRef}"`
        : `ibias_service="${ref.service}"`;
    return `{${who},ibias_environment="${ref.environment}",version="${version}"${extra}}`;
  }

  static queries(
    ref: TargetRef,
    version: string,
    windowSeconds: number,
    match: 'entity' | 'service' = 'service',
  ) {
    const w = `[${windowSeconds}s]`;
    const sel = PrometheusMetrics.selector(ref, version, '', match);
    const errSel = PrometheusMetrics.selector(
      ref,
      version,
      ',status=~"5.."',
      match,
    );
    return {
      requests: `sum(increase(http_request_duration_seconds_count${sel}${w}))`,
      errors: `sum(increase(http_request_duration_seconds_count${errSel}${w}))`,
      p95: `1000 * histogram_quantile(0.95, sum by (le) (increase(http_request_duration_seconds_bucket${sel}${w})))`,
    };
  }

  /** Whether Prometheus is ready (`/-/ready`), for the plugin's health endpoint. */
  health(): Promise<DependencyCheck> {
    return checkHttp(
      'prometheus',
      `${this.options.url.replace(/\/$/, '')}/-/ready`,
    );
  }

  private async scalar(query: string): Promise<number | null> {
    const url = `${this.options.url.replace(
      /\/$/,
      '',
    )}/api/v1/query?query=${encodeURIComponent(query)}`;
    const res = await fetch(url, {
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    if (!res.ok) {
      throw new PrometheusAnswerError(
        res.status,
        `Prometheus answered ${res.status} to ${query}: ${(
          await res.text()
        ).slice(0, 300)}`,
      );
    }
    const body = (await res.json()) as {
      status: string;
      data: { result: Array<{ value: [number, string] }> };
    };
    const value = Number(body.data.result[0]?.value[1]);
    return Number.isFinite(value) ? value : null;
  }

  async metrics(
    ref: TargetRef,
    version: string,
    sinceMs: number,
  ): Promise<
    IntervalMetrics & { query: string; source: 'prometheus'; detail?: string }
  > {
    const windowSeconds = Math.max(
      1,
      Math.round((Date.now() - sinceMs) / 1000),
    );
    const q = PrometheusMetrics.queries(
      ref,
      version,
      windowSeconds,
      this.options.match,
    );
    const query = `${q.requests}; ${q.errors}; ${q.p95}`;
    let answers: Array<number | null>;
    try {
      answers = await Promise.all([
        this.scalar(q.requests),
        this.scalar(q.errors),
        this.scalar(q.p95),
      ]);
    } catch (e) {
      // A 4xx is a query Prometheus refuses (a configuration error): fail loudly.
      if (e instanceof PrometheusAnswerError && e.status < 500) throw e;
      // Down or slow: this interval knows nothing, which the analysis counts as
      // inconclusive (it never promotes on it). Said in the evidence, briefly.
      const timedOut = (e as Error)?.name === 'TimeoutError';
      let detail = `Prometheus did not answer (${String(
        (e as Error)?.message ?? e,
      ).slice(0, 120)})`;
      if (timedOut) {
        detail = `Prometheus did not answer within ${
          (this.options.timeoutMs ?? 10_000) / 1000
        } s`;
      } else if (e instanceof PrometheusAnswerError) {
        detail = `Prometheus answered ${e.status}`;
      }
      return {
        requests: 0,
        errors: 0,
        p95Ms: null,
        query,
        source: 'prometheus',
        detail,
      };
    }
    const [requests, errors, p95] = answers;
    const total = Math.round(requests ?? 0);
    return {
      requests: total,
      errors: Math.min(total, Math.round(errors ?? 0)),
      p95Ms: total > 0 ? p95 : null,
      query,
      source: 'prometheus',
    };
  }
}

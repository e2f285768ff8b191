import type { UsageEventInput } from './events';

/** An OTLP attribute value (OTLP/HTTP JSON encoding). */
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

interface KeyValue {
  key: string;
  value?: AnyValue;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function attributes(list: unknown): Map<string, AnyValue> {
  const out = new Map<string, AnyValue>();
  if (!Array.isArray(list)) return out;
  for (const kv of list as KeyValue[]) {
    if (isObject(kv) && typeof kv.key === 'string' && isObject(kv.value)) {
      out.set(kv.key, kv.value as AnyValue);
    }
  }
  return out;
}

const text = (v?: AnyValue) =>
  typeof v?.stringValue === 'string' ? v.stringValue : undefined;

/** A whole, non-negative count from an int (a string in OTLP JSON) or a double. */
function count(v?: AnyValue): number | undefined {
  if (!v) return undefined;
  const raw = v.intValue ?? v.doubleValue;
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0
    ? Math.round(n)
    : undefined;
}

/** Unix nanoseconds (a decimal string in OTLP JSON) as milliseconds. */
function nanosToMs(v: unknown): number | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return Number(BigInt(String(v)) / 1_000_000n);
  } catch {
    return undefined;
  }
}

/** The span status code OTLP uses for an error. */
const STATUS_ERROR = 2;

/** OpenTelemetry's GenAI operation names, as the usage event's. */
const OPERATIONS: Record<string, UsageEventInput['operation']> = {
  chat: 'chat',
  text_completion: 'completion',
  generate_content: 'chat',
  embeddings: 'embedding',
  create_embeddings: 'embedding',
};

export interface OtlpMapping {
  events: UsageEventInput[];
  /** GenAI spans that could not be taken, with why (no value quoted). */
  rejected: Array<{ span: string; reason: string }>;
  /** Spans that are not GenAI calls: not usage, not an error. */
  ignored: number;
}

/**
 * Usage events from an OTLP/HTTP JSON trace export: each span with GenAI attributes
 * (`gen_ai.provider.name` — or the older `gen_ai.system` — `gen_ai.request.model`,
 * `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`,
 * `gen_ai.usage.cache_read.input_tokens`, `error.type`) is one call; its id is the trace
 * and span id, its time the span's end, its latency the span's duration. The entity is
 * the resource's `backstage.entity_ref`, else `component:default/<service.name>`. Other
 * spans are ignored. Prompt and completion attributes, if a span carries them, are never
 * read.
 */
/** The latest instant a Date holds (±8.64e15 ms): a span ending later is refused. */
const MAX_TIME_MS = 8.64e15;

export function usageEventsFromOtlp(body: unknown): OtlpMapping {
  const out: OtlpMapping = { events: [], rejected: [], ignored: 0 };
  const resourceSpans = isObject(body) ? body.resourceSpans : undefined;
  if (!Array.isArray(resourceSpans)) return out;
  for (const rs of resourceSpans) {
    if (!isObject(rs)) continue;
    const resource = attributes(
      isObject(rs.resource) ? rs.resource.attributes : undefined,
    );
    const service = text(resource.get('service.name'));
    const entityRef =
      text(resource.get('backstage.entity_ref')) ??
      (service ? `component:default/${service}` : undefined);
    const scopeSpans = Array.isArray(rs.scopeSpans) ? rs.scopeSpans : [];
    for (const ss of scopeSpans) {
      const spans = isObject(ss) && Array.isArray(ss.spans) ? ss.spans : [];
      for (const span of spans) {
        if (!isObject(span)) continue;
        const attrs = attributes(span.attributes);
        const provider =
          text(attrs.get('gen_ai.provider.name')) ??
          text(attrs.get('gen_ai.system'));
        const model =
          text(attrs.get('gen_ai.request.model')) ??
          text(attrs.get('gen_ai.response.model'));
        if (!provider && !model) {
          out.ignored += 1;
          continue;
        }
        const name = `${String(span.traceId ?? '')}:${String(
          span.spanId ?? '',
        )}`;
        const start = nanosToMs(span.startTimeUnixNano);
        const end = nanosToMs(span.endTimeUnixNano);
        const reject = (reason: string) =>
          out.rejected.push({ span: name.slice(0, 80), reason });
        if (!entityRef) {
          reject('the resource has no backstage.entity_ref nor service.name');
          continue;
        }
        if (!provider || !model) {
          reject(
            'a GenAI span needs gen_ai.provider.name and gen_ai.request.model',
          );
          continue;
        }
        if (
          typeof span.traceId !== 'string' ||
          typeof span.spanId !== 'string' ||
          !/^[0-9a-fA-F]{1,32}$/.test(span.traceId) ||
          !/^[0-9a-fA-F]{1,16}$/.test(span.spanId)
        ) {
          reject('traceId and spanId must be hex');
          continue;
        }
        if (
          start === undefined ||
          end === undefined ||
          end < start ||
          end > MAX_TIME_MS
        ) {
          reject(
            'the span needs a start and an end time, the end after the start',
          );
          continue;
        }
        const status = isObject(span.status) ? span.status.code : undefined;
        const failed =
          attrs.has('error.type') ||
          status === STATUS_ERROR ||
          status === 'STATUS_CODE_ERROR';
        const operation = text(attrs.get('gen_ai.operation.name'));
        out.events.push({
          id: `otel-${span.traceId}-${span.spanId}`.toLowerCase(),
          timestamp: new Date(end).toISOString(),
          entityRef,
          provider,
          model,
          operation: (operation ? OPERATIONS[operation] : undefined) ?? 'other',
          inputTokens: count(attrs.get('gen_ai.usage.input_tokens')) ?? 0,
          outputTokens: count(attrs.get('gen_ai.usage.output_tokens')) ?? 0,
          cachedInputTokens:
            count(attrs.get('gen_ai.usage.cache_read.input_tokens')) ?? 0,
          latencyMs: end - start,
          status: failed ? 'error' : 'success',
        });
      }
    }
  }
  return out;
}

// AI calls. With AI_BASE_URL set, an OpenAI-compatible chat completions API (OpenAI,
// Azure OpenAI, vLLM, LiteLLM, …) with AI_API_KEY; unset, a simulated model that never
// touches the network and whose answers carry realistic token counts, latency and errors
// and say they are simulated. Every call is timed into ai_request_duration_seconds and
// its usage (tokens, latency, success or error; never the prompt or the answer) is
// reported to the IBIAS portal's AI costs through src/aiUsage.ts.
import type { ServiceConfig } from './config';
import type { ServiceMetrics } from './metrics';
import type { AiUsageReporter } from './aiUsage';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The parts of an OpenAI chat completion this service reads. */
export interface ChatAnswer {
  id: string;
  model: string;
  choices: Array<{
    message: { role: 'assistant'; content: string };
    finish_reason: string;
  }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
  };
  /** True when the simulated model answered (no AI provider was called). */
  simulated?: boolean;
}

/** An AI call that did not give an answer; `status` is the provider's, when it sent one. */
export class AiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AiError';
  }
}

export interface AiClient {
  /** True when calls go to the simulated model. */
  readonly simulated: boolean;
  readonly model: string;
  chat(input: {
    messages: ChatMessage[];
    maxTokens?: number;
  }): Promise<ChatAnswer>;
}

/**
 * How the simulated model behaves, from public measurements of the real ones: time to
 * the first token, then output tokens per second; 2 % of calls are rate limited (429,
 * answered fast) and 0.5 % fail (500).
 */
export const SIMULATED_MODELS: Record<
  string,
  { firstTokenMs: number; tokensPerSecond: number }
> = {
  'gpt-4o': { firstTokenMs: 450, tokensPerSecond: 60 },
  'gpt-4o-mini': { firstTokenMs: 300, tokensPerSecond: 110 },
};
const SIMULATED_RATE_LIMITED = 0.02;
const SIMULATED_FAILED = 0.005;

/** About four characters a token, plus each message's framing (OpenAI's rule of thumb). */
export function estimateTokens(messages: ChatMessage[]): number {
  return messages.reduce(
    (sum, m) => sum + 4 + Math.ceil(m.content.length / 4),
    3,
  );
}

const SIMULATED_LINES = [
  'Offer an annual plan at two months free to lift retention in the first 90 days.',
  'Route trial users who invite a teammate to a guided onboarding call.',
  'Move the usage alerts that precede churn into a weekly account review.',
  'Bundle the analytics add-on with the team plan where seats exceed ten.',
  'Retire the least used report; its users already export to spreadsheets.',
  'Ask customers who rated support 9 or 10 for a case study.',
];

export function createAiClient(
  config: ServiceConfig['ai'],
  deps: {
    metrics: ServiceMetrics;
    reporter: AiUsageReporter;
    random?: () => number;
    sleep?: (ms: number) => Promise<void>;
    fetch?: typeof fetch;
  },
): AiClient {
  const random = deps.random ?? Math.random;
  const sleep =
    deps.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const simulated = !config.baseUrl;

  async function simulate(
    messages: ChatMessage[],
    maxTokens: number,
  ): Promise<ChatAnswer> {
    const profile =
      SIMULATED_MODELS[config.model] ?? SIMULATED_MODELS['gpt-4o-mini'];
    const scale = config.simulatedLatencyScale;
    const roll = random();
    if (roll < SIMULATED_RATE_LIMITED) {
      await sleep(Math.round((40 + random() * 60) * scale));
      throw new AiError('simulated: rate limited (429)', 429);
    }
    if (roll < SIMULATED_RATE_LIMITED + SIMULATED_FAILED) {
      await sleep(Math.round(profile.firstTokenMs * 2 * scale));
      throw new AiError('simulated: the model failed (500)', 500);
    }
    const completionTokens = Math.min(
      maxTokens,
      Math.round(60 + random() * 180),
    );
    const latency =
      profile.firstTokenMs * (0.7 + random() * 0.6) +
      (completionTokens / profile.tokensPerSecond) * 1000;
    await sleep(Math.round(latency * scale));
    const promptTokens = estimateTokens(messages);
    const lines = [0, 1, 2].map(
      i =>
        SIMULATED_LINES[
          Math.floor(random() * SIMULATED_LINES.length + i) %
            SIMULATED_LINES.length
        ],
    );
    return {
      id: `simulated-${Math.floor(random() * 1e12).toString(36)}`,
      model: config.model,
      choices: [
        {
          message: {
            role: 'assistant',
            content: `[simulated] ${lines.join(' ')}`,
          },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
      simulated: true,
    };
  }

  async function callApi(
    messages: ChatMessage[],
    maxTokens: number,
  ): Promise<ChatAnswer> {
    const response = await (deps.fetch ?? fetch)(
      `${config.baseUrl}/chat/completions`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(config.apiKey
            ? { Authorization: `Bearer ${config.apiKey}` }
            : {}),
        },
        body: JSON.stringify({
          model: config.model,
          messages,
          max_tokens: maxTokens,
        }),
        signal: AbortSignal.timeout(config.timeoutMs),
      },
    );
    // The provider's error body is not read: it may quote the request.
    if (!response.ok) {
      await response.body?.cancel();
      throw new AiError(
        `the AI API answered ${response.status}`,
        response.status,
      );
    }
    const answer = (await response.json()) as Partial<ChatAnswer>;
    if (
      !Array.isArray(answer.choices) ||
      typeof answer.choices[0]?.message?.content !== 'string'
    ) {
      throw new AiError('the AI API answered without a message');
    }
    return answer as ChatAnswer;
  }

  return {
    simulated,
    model: config.model,
    chat({ messages, maxTokens = 400 }) {
      const labels = { provider: 'openai', model: config.model, type: 'chat' };
      return deps.reporter.wrap(
        { provider: 'openai', model: config.model, operation: 'chat' },
        () =>
          deps.metrics.timeAiRequest(labels, () =>
            simulated
              ? simulate(messages, maxTokens)
              : callApi(messages, maxTokens),
          ),
      );
    },
  };
}

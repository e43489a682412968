/**
 * The capability llm and vision nodes call a model through. The engine stays free of provider SDKs:
 * the server injects an implementation (`NodeDeps.llm`) that resolves credentials and talks HTTP.
 */

export const LLM_PROVIDERS = ["openai", "google"] as const;
/** "openai" covers every OpenAI-compatible endpoint (OpenAI, Groq, Ollama, vLLM …) through a base URL. */
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

/** An image is an http(s) URL or a `data:image/…;base64,…` URL. */
export type LlmContentPart = { type: "text"; text: string } | { type: "image"; url: string };

export type LlmMessage = { role: "user"; content: LlmContentPart[] };

/** A JSON Schema object describing a structured output. */
export type LlmJsonSchema = Record<string, unknown>;

/** One model call, with every template already rendered. */
export type LlmRequest = {
  provider: LlmProvider;
  model: string;
  /** Name of a workspace credential; absent: the deployment's default key for the provider. */
  credential?: string;
  system?: string;
  messages: LlmMessage[];
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object matching this schema instead of text. */
  jsonSchema?: LlmJsonSchema;
  timeoutMs: number;
  /** Sent as `Idempotency-Key`: the same for every attempt of one node in one run. */
  idempotencyKey: string;
};

/** Token counts as the provider reported them; null when it did not. */
export type LlmUsage = { inputTokens: number | null; outputTokens: number | null };

export type LlmResult = ({ kind: "text"; text: string } | { kind: "object"; object: unknown }) & {
  /** The model that answered, as the provider names it (often a dated snapshot). */
  model: string;
  usage: LlmUsage;
  /** What the provider ignored or adapted ("temperature is not supported …"), for the run's log. */
  warnings?: string[];
};

/**
 * Calls a model. Implementations throw `NodeExecutionError`: retriable for 429, 5xx, timeouts and network
 * failures (with `retryAfterMs` from Retry-After), non-retriable for other 4xx and for a missing key or
 * credential. They must not retry on their own: the durable runner owns retries.
 */
export type LlmClient = { generate: (request: LlmRequest) => Promise<LlmResult> };

import {
  APICallError,
  EmptyResponseBodyError,
  InvalidArgumentError,
  InvalidDataContentError,
  InvalidPromptError,
  InvalidResponseDataError,
  JSONParseError,
  NoContentGeneratedError,
  NoObjectGeneratedError,
  NoOutputGeneratedError,
  NoSuchModelError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from "ai";
import { isNodeExecutionError, NodeExecutionError, parseRetryAfter } from "@/engine";

type CallContext = {
  /** "openai gpt-4o-mini", for messages. */
  target: string;
  /** Aborted when the node's timeout elapsed. */
  signal: AbortSignal;
  timeoutMs: number;
  /** Removed from every message: a provider may echo what it was sent. */
  secret: string;
  now: Date;
};

/**
 * Turns whatever a model call threw into a NodeExecutionError the durable runner can act on:
 * 429, 408 and 5xx, time-outs, network failures and unusable answers are retriable (429/503 with
 * `retryAfterMs`); other 4xx and invalid requests are not, since repeating them cannot help.
 */
export function classifyLlmError(thrown: unknown, call: CallContext): NodeExecutionError {
  if (isNodeExecutionError(thrown)) return thrown;
  if (call.signal.aborted) {
    return new NodeExecutionError(`${call.target}: no answer within ${call.timeoutMs} ms`, {
      code: "timeout",
      retriable: true,
    });
  }
  if (APICallError.isInstance(thrown)) return fromApiCallError(thrown, call);
  const message = redact(thrown instanceof Error ? thrown.message : String(thrown), call.secret);
  if (isUnusableAnswer(thrown)) {
    return new NodeExecutionError(`${call.target}: unusable answer: ${message}`, {
      code: "invalid_model_output",
      retriable: true,
    });
  }
  if (isInvalidRequest(thrown)) {
    return new NodeExecutionError(`${call.target}: invalid request: ${message}`, {
      code: "invalid_request",
      retriable: false,
    });
  }
  return new NodeExecutionError(`${call.target}: ${message}`, { code: "llm_error", retriable: true });
}

function fromApiCallError(error: APICallError, call: CallContext): NodeExecutionError {
  // The SDK wraps fetch failures; ours (the egress guard refusing an address) keep their verdict.
  if (isNodeExecutionError(error.cause)) return error.cause;
  const status = error.statusCode;
  const message = redact(error.message, call.secret);
  if (status === undefined) {
    // No HTTP answer at all: the connection failed.
    return new NodeExecutionError(`${call.target}: ${message}`, { code: "network_error", retriable: true });
  }
  const retriable = status === 408 || status === 429 || status >= 500;
  const retryAfterMs = retriable ? retryAfterOf(error.responseHeaders, call.now) : undefined;
  return new NodeExecutionError(`${call.target}: provider answered ${status}: ${message}`, {
    code: status === 429 ? "rate_limited" : "provider_status",
    retriable,
    details: { status },
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** OpenAI sends `retry-after-ms` next to the standard `retry-after`; the finer one wins. */
function retryAfterOf(headers: Record<string, string> | undefined, now: Date): number | undefined {
  if (headers === undefined) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(lower["retry-after-ms"]);
  if (lower["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  return parseRetryAfter(lower["retry-after"] ?? null, now);
}

/** The model answered, but not with something usable; another sample may be fine. */
function isUnusableAnswer(thrown: unknown): boolean {
  return (
    NoObjectGeneratedError.isInstance(thrown) ||
    NoOutputGeneratedError.isInstance(thrown) ||
    NoContentGeneratedError.isInstance(thrown) ||
    InvalidResponseDataError.isInstance(thrown) ||
    JSONParseError.isInstance(thrown) ||
    TypeValidationError.isInstance(thrown) ||
    EmptyResponseBodyError.isInstance(thrown)
  );
}

/** The request itself is wrong (a bad image, a model the provider does not have …). */
function isInvalidRequest(thrown: unknown): boolean {
  return (
    InvalidPromptError.isInstance(thrown) ||
    InvalidArgumentError.isInstance(thrown) ||
    InvalidDataContentError.isInstance(thrown) ||
    NoSuchModelError.isInstance(thrown) ||
    UnsupportedFunctionalityError.isInstance(thrown)
  );
}

export function redact(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join("[redacted]") : text;
}

/**
 * Thrown by executors. `retriable` tells the durable runner whether another attempt can help: false for
 * config, expression and 4xx errors; true for 5xx, 429, timeouts and network errors.
 */
export class NodeExecutionError extends Error {
  override readonly name = "NodeExecutionError";
  /** Stable machine code, e.g. "http_status", "timeout", "invalid_config", "expression_error". */
  readonly code: string;
  readonly retriable: boolean;
  /** JSON-serializable context (status, response body, config issues …). */
  readonly details?: unknown;
  /** From a Retry-After header: how long the server asked us to wait before retrying. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { code: string; retriable: boolean; details?: unknown; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retriable = options.retriable;
    if (options.details !== undefined) this.details = options.details;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** Type guard that also works across module copies (bundlers can duplicate classes). */
export function isNodeExecutionError(error: unknown): error is NodeExecutionError {
  return (
    error instanceof NodeExecutionError ||
    (error instanceof Error && error.name === "NodeExecutionError" && "retriable" in error && "code" in error)
  );
}

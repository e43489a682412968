/**
 * One error class, one closed set of codes, one status per code. Route wrappers
 * turn an AppError into `{ error: { code, message, requestId, issues? } }`;
 * anything else becomes a 500 whose message says nothing about internals.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  invalid_graph: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** A link or resource that existed but is no longer usable (an expired approval link). */
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type ErrorIssue = {
  /** Where the problem is, e.g. `["body", "graph", "nodes", 2, "data", "config", "url"]`. */
  path: (string | number)[];
  message: string;
  code?: string;
  nodeId?: string;
  edgeId?: string;
  field?: string;
  /** For a cycle in a graph: the node ids around it, first repeated last. */
  cyclePath?: string[];
};

export class AppError extends Error {
  readonly status: number;
  /** Extra headers of the error answer, e.g. a 429's Retry-After and RateLimit-*. */
  readonly headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
    this.headers = options?.headers;
  }
}

export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} not found`);
}

export function assertNever(value: never, context = "value"): never {
  throw new Error(`Unexpected ${context}: ${JSON.stringify(value)}`);
}

import { ZodError, z } from "zod";
import { AppError, ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { zodIssues } from "@/lib/zod-issues";
import { isDatabaseUnavailable } from "../db/database-unavailable";

/** Seconds a client should wait before retrying a 503 (a database restart or failover takes about this). */
export const RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again shortly";

/** The one error shape every route answers with (also the OpenAPI document's `Error`). */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    requestId: z.string().describe("Quote it when asking for support; also the x-request-id header"),
    issues: z
      .array(
        z.object({
          path: z.array(z.union([z.string(), z.number()])),
          message: z.string(),
          code: z.string().optional(),
          nodeId: z.string().optional(),
          edgeId: z.string().optional(),
          field: z.string().optional(),
          cyclePath: z.array(z.string()).optional(),
        }),
      )
      .optional()
      .describe("Every problem with the input, each with where it is"),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * Maps anything thrown by a handler to the one error shape; 5xx never show internals.
 * A database outage is not a bug: it answers 503 `unavailable` with Retry-After.
 */
export function errorResponse(error: unknown, requestId: string): Response {
  if (!(error instanceof AppError) && isDatabaseUnavailable(error)) {
    return errorResponse(
      new AppError("unavailable", DATABASE_UNAVAILABLE_MESSAGE, undefined, { cause: error }),
      requestId,
    );
  }
  if (error instanceof AppError) {
    if (error.code === "unavailable") {
      // Expected while a dependency is down, once per request: a warning naming the cause, not an
      // error with the stack and the failed query (whose parameters may hold user data).
      logger.warn(
        { requestId, code: error.code, status: error.status, cause: rootCause(error) },
        error.message,
      );
    } else {
      const log = error.status >= 500 ? logger.error.bind(logger) : logger.info.bind(logger);
      log(
        { requestId, code: error.code, status: error.status, err: error.status >= 500 ? error : undefined },
        error.message,
      );
    }
    const message =
      error.status >= 500 && error.code === "internal" ? "Internal server error" : error.message;
    return json(
      { error: { code: error.code, message, requestId, issues: error.issues } },
      error.status,
      requestId,
      {
        ...(error.status === 503 ? { "retry-after": String(RETRY_AFTER_SECONDS) } : {}),
        ...error.headers,
      },
    );
  }
  if (error instanceof ZodError) {
    // A schema failure that escaped a handler is still the caller's input, not our bug.
    return errorResponse(new AppError("validation_failed", "Invalid input", zodIssues(error, [])), requestId);
  }
  logger.error({ requestId, err: error }, "unhandled error");
  return json({ error: { code: "internal", message: "Internal server error", requestId } }, 500, requestId);
}

/** The innermost cause's code and message (a driver's "connect ECONNREFUSED …"), never a query. */
function rootCause(error: Error): { code?: string; message: string } | undefined {
  let inner: unknown = error.cause;
  if (inner === undefined) return undefined;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  const code = (inner as { code?: unknown }).code;
  const message = inner instanceof Error ? inner.message : String(inner);
  return {
    ...(typeof code === "string" ? { code } : {}),
    message: message.replace(/^Failed query:[\s\S]*/, "Failed query"),
  };
}

export function json(body: unknown, status: number, requestId: string, headers?: HeadersInit): Response {
  const response = Response.json(body, { status, headers });
  response.headers.set("x-request-id", requestId);
  response.headers.set("cache-control", "no-store");
  return response;
}

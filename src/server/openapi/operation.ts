import type { z } from "zod";
import type { ApiKeyScope } from "../db/schema";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** One kind of answer: what it means and, for a body, its schema (JSON unless `mediaType` says). */
export type Answer = { description: string; schema?: z.ZodType; mediaType?: string };

/**
 * One public API operation, described once: the route file hands it to
 * `apiKeyRoute` (scope, params, query, body, status) and the OpenAPI document
 * is built from it, so what is enforced and what is documented are one object.
 */
export type Operation = {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template: `{param}` where the app folder has `[param]`; the webhook receiver is outside /api/v1. */
  path: `/api/v1/${string}` | `/api/webhooks/${string}`;
  tag: string;
  summary: string;
  description?: string;
  /** The API key scope it needs; absent for a public operation. */
  scope?: ApiKeyScope;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Request headers it reads besides Authorization. */
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  /** Status of the usual success. */
  status: number;
  /** What that success answers; `apiKeyRoute` holds the handler to its schema. */
  response: Answer;
  /** Other answers worth knowing besides the standard errors (a replay's 200, a 409 …). */
  responses?: Record<number, string | Answer>;
};

/** Keeps each operation's literal types (its scope, its schemas) for `apiKeyRoute`'s inference. */
export function defineOperation<const O extends Operation>(operation: O): O {
  return operation;
}

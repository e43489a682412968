import type { z } from "zod";
import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { resolveApiKeyCaller } from "../auth/resolve-api-key-caller";
import { resolveSessionCaller } from "../auth/resolve-session-caller";
import { type Database, getDb } from "../db/client";
import type { ApiKeyScope } from "../db/schema";
import { rateLimitHeaders } from "../rate-limit/enforce-rate-limit";
import { countAuthFailure, limitCaller, refuseBlockedIp } from "../rate-limit/limit-callers";
import type { RateLimitVerdict } from "../rate-limit/rate-limit-store";
import { recordRouteError } from "../telemetry/route-span";
import { serveWithAccessLog } from "./access-log";
import { clientIp } from "./client-ip";
import { errorResponse, json } from "./error-response";
import { parseWith, queryObject, readJsonBody } from "./parse-request";
import { withPublicApiCors } from "./public-api-cors";

type AnySchema = z.ZodType;
type Infer<S> = S extends AnySchema ? z.infer<S> : undefined;
/** What a handler may return: data of the spec's response schema (or any data without one), or a Response. */
type Returns<R> = R extends AnySchema ? z.output<R> | Response : unknown;

export type RouteSpec<P, Q, B, R = undefined> = {
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer's schema (also the OpenAPI document's), which the handler's result must match. */
  response?: { schema?: R };
  /** Status of a successful answer; 200 unless said. */
  status?: number;
};

export type RouteContext<P, Q, B> = {
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  caller: Caller;
  /** The database, handed in so route files never import the db layer themselves. */
  db: Database;
  requestId: string;
  request: Request;
};

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };
type Handler<P, Q, B, R = undefined> = (ctx: RouteContext<P, Q, B>) => Promise<Returns<R>>;

/**
 * The core every route goes through: request id and access line (see
 * access-log.ts), caller (first, so an unauthenticated caller learns nothing
 * about input rules), parsing and validation, error mapping. Handlers return
 * data (sent as JSON) or a Response.
 */
function createRoute<
  P extends AnySchema | undefined,
  Q extends AnySchema | undefined,
  B extends AnySchema | undefined,
  R extends AnySchema | undefined,
>(
  authenticate: (request: Request) => Promise<Caller>,
  spec: RouteSpec<P, Q, B, R>,
  handler: Handler<P, Q, B, R>,
  decorateError?: (response: Response) => void,
) {
  return (request: Request, context?: NextRouteContext): Promise<Response> =>
    serveWithAccessLog(request, context, async ({ requestId, identify }) => {
      let limit: RateLimitVerdict | undefined;
      try {
        const ip = clientIp(request);
        refuseBlockedIp(ip);
        const caller = await authenticate(request).catch(async (error: unknown) => {
          await countAuthFailure(error, ip);
          throw error;
        });
        identify(caller.via === "api_key" ? "api_key" : "session");
        limit = await limitCaller(caller);
        const rawParams = context ? await context.params : {};
        const params = (spec.params ? parseWith(spec.params, rawParams, "params") : undefined) as Infer<P>;
        const query = (
          spec.query ? parseWith(spec.query, queryObject(request.url), "query") : undefined
        ) as Infer<Q>;
        const body = (
          spec.body ? parseWith(spec.body, await readJsonBody(request), "body") : undefined
        ) as Infer<B>;
        const db = await getDb();
        const result = await handler({ params, query, body, caller, db, requestId, request });
        const response = result instanceof Response ? result : json(result, spec.status ?? 200, requestId);
        if (limit) setHeaders(response, rateLimitHeaders(limit));
        return response;
      } catch (error) {
        const response = errorResponse(error, requestId);
        recordRouteError(error, response.status);
        decorateError?.(response);
        return response;
      }
    });
}

/**
 * A route for people in the app (Clerk session, or the local user). APIs answer
 * 401 JSON without a session; `role: "admin"` answers 403 to members.
 */
export function sessionRoute<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B> & { role?: "admin" }, handler: Handler<P, Q, B>) {
  return createRoute(
    async () => {
      const caller = await resolveSessionCaller();
      if (spec.role === "admin" && caller.role !== "admin") {
        throw new AppError("forbidden", "Only workspace admins can do this");
      }
      return caller;
    },
    spec,
    handler,
  );
}

/**
 * A /api/v1 route: `Authorization: Bearer sk_…` with the given scope, never a Clerk session; its
 * answers carry the API's CORS headers (its file also exports `OPTIONS = publicApiPreflight`).
 */
export function apiKeyRoute<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
  R extends AnySchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B, R> & { scope: ApiKeyScope }, handler: Handler<P, Q, B, R>) {
  return withPublicApiCors(
    createRoute(
      (request) => resolveApiKeyCaller(request, spec.scope),
      spec,
      handler,
      (response) => {
        if (response.status === 401) response.headers.set("www-authenticate", 'Bearer realm="stepwise"');
      },
    ),
  );
}

/** Headers on a handler's own Response; one with immutable headers (a fetched one) is left as it is. */
function setHeaders(response: Response, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  } catch {
    // Immutable headers: the answer stands without them.
  }
}

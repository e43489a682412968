import type { z } from "zod";
import { newId } from "@/lib/ids";
import { type Caller, resolveCaller } from "../auth/resolve-caller";
import { type Database, getDb } from "../db/client";
import { errorResponse, json } from "./error-response";
import { parseWith, queryObject, readJsonBody } from "./parse-request";

type AnySchema = z.ZodType;
type Infer<S> = S extends AnySchema ? z.infer<S> : undefined;

export type RouteSpec<P, Q, B> = {
  params?: P;
  query?: Q;
  body?: B;
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

/**
 * The wrapper every session route goes through: request id, caller, parsing and
 * validation, and error mapping. Handlers receive typed input and return data
 * (sent as JSON) or a Response of their own.
 */
export function route<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>, handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown>) {
  return async (request: Request, context?: NextRouteContext): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? newId("request");
    try {
      // Who is asking comes first: an unauthenticated caller learns nothing about input rules.
      const caller = await resolveCaller(request);
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
      if (result instanceof Response) {
        result.headers.set("x-request-id", requestId);
        return result;
      }
      return json(result, spec.status ?? 200, requestId);
    } catch (error) {
      return errorResponse(error, requestId);
    }
  };
}

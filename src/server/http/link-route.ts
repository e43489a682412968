import type { z } from "zod";
import { type Database, getDb } from "../db/client";
import { recordRouteError } from "../telemetry/route-span";
import { serveWithAccessLog } from "./access-log";
import { errorResponse, json } from "./error-response";
import { parseWith, readJsonBody } from "./parse-request";

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * A route authenticated by a signed token in its path (an approval link) instead of a session or an
 * API key: the handler verifies the token itself. Parsing, request id, access line and the error shape
 * are the same as every other route's; a malformed token fails the params schema and answers 404. The
 * access line names the route's pattern, never the token.
 *
 * `verify` checks the link's signature before the body is read: a route anyone can reach must not
 * spend work on a body for a caller it has not recognised.
 */
export function linkRoute<P extends z.ZodType, B extends z.ZodType | undefined = undefined>(
  spec: { params: P; body?: B; verify: (params: z.infer<P>) => void },
  handler: (ctx: {
    params: z.infer<P>;
    body: B extends z.ZodType ? z.infer<B> : undefined;
    db: Database;
  }) => Promise<unknown>,
) {
  return (request: Request, context?: NextRouteContext): Promise<Response> =>
    serveWithAccessLog(request, context, async ({ requestId, identify }) => {
      try {
        const params = parseWith(spec.params, context ? await context.params : {}, "params");
        spec.verify(params);
        identify("link");
        const body = (
          spec.body ? parseWith(spec.body, await readJsonBody(request), "body") : undefined
        ) as B extends z.ZodType ? z.infer<B> : undefined;
        const result = await handler({ params, body, db: await getDb() });
        return json(result, 200, requestId);
      } catch (error) {
        const response = errorResponse(error, requestId);
        recordRouteError(error, response.status);
        return response;
      }
    });
}

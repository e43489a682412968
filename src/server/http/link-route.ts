import type { z } from "zod";
import { type Database, getDb } from "../db/client";
import { enforceRateLimit, rateLimitHeaders } from "../rate-limit/enforce-rate-limit";
import type { RateLimitClass } from "../rate-limit/rate-limit-classes";
import type { RateLimitVerdict } from "../rate-limit/rate-limit-store";
import { recordRouteError } from "../telemetry/route-span";
import { serveWithAccessLog } from "./access-log";
import { errorResponse, json } from "./error-response";
import { parseWith, readJsonBody } from "./parse-request";
import { readBodyText } from "./read-body-text";

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * A route authenticated by a signature instead of a session or an API key: a signed token in its
 * path (an approval link) or a signed request (a webhook). Parsing, request id, access line and the
 * error shape are the same as every other route's; a malformed id or token fails the params schema
 * and answers 404. The access line names the route's pattern, never the token.
 *
 * The order is cheapest refusal first, since anyone can reach these routes: params, then `verify`
 * (a path signature) and the `rateLimit` count, both before the body is read. `rawBody` hands the
 * handler the body as received text, within its size limit, for checks over the exact bytes (a
 * signature over a parsed and re-serialised body would not match). The rate limit's RateLimit-*
 * headers go on every answer, a success's too. A handler returns data (200) or a Response.
 */
export function linkRoute<P extends z.ZodType, B extends z.ZodType | undefined = undefined>(
  spec: {
    params: P;
    body?: B;
    verify?: (params: z.infer<P>) => void;
    rateLimit?: { class: RateLimitClass; key: (params: z.infer<P>, request: Request) => string };
    rawBody?: { maxBytes: number };
  },
  handler: (ctx: {
    params: z.infer<P>;
    body: B extends z.ZodType ? z.infer<B> : undefined;
    /** The body as text when the spec asks for `rawBody`, else "". */
    rawBody: string;
    request: Request;
    requestId: string;
    db: Database;
  }) => Promise<unknown>,
) {
  return (request: Request, context?: NextRouteContext): Promise<Response> =>
    serveWithAccessLog(request, context, async ({ requestId, identify }) => {
      let verdict: RateLimitVerdict | undefined;
      let response: Response;
      try {
        const params = parseWith(spec.params, context ? await context.params : {}, "params");
        if (spec.verify) {
          spec.verify(params);
          identify("link");
        }
        if (spec.rateLimit) {
          verdict = await enforceRateLimit(spec.rateLimit.class, spec.rateLimit.key(params, request));
        }
        const rawBody = spec.rawBody ? await readBodyText(request, spec.rawBody.maxBytes) : "";
        const body = (
          spec.body ? parseWith(spec.body, await readJsonBody(request), "body") : undefined
        ) as B extends z.ZodType ? z.infer<B> : undefined;
        const result = await handler({ params, body, rawBody, request, requestId, db: await getDb() });
        response = result instanceof Response ? result : json(result, 200, requestId);
      } catch (error) {
        response = errorResponse(error, requestId);
        recordRouteError(error, response.status);
      }
      if (verdict) {
        for (const [name, value] of Object.entries(rateLimitHeaders(verdict)))
          response.headers.set(name, value);
      }
      return response;
    });
}

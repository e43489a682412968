import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { withAccessLog } from "./access-log";
import { allowedOrigin, corsHeaders, isPreflight, preflightHeaders } from "./cors";

/**
 * CORS of the public API (`/api/v1`), answered by its routes themselves: the
 * proxy does not run for `/api/v1` (it cost an API call ≈ 4 ms before the route
 * started; see docs/BENCHMARKS.md), so every answer of an /api/v1 route goes
 * through `withPublicApiCors` (apiKeyRoute does it) and every /api/v1 route file
 * exports `OPTIONS = publicApiPreflight`.
 */

/** Adds `Vary: Origin` to every answer, and the CORS headers for a listed origin. */
export function withPublicApiCors<A extends unknown[]>(
  handler: (request: Request, ...rest: A) => Promise<Response>,
): (request: Request, ...rest: A) => Promise<Response> {
  return async (request, ...rest) => addPublicApiCors(request, await handler(request, ...rest));
}

export function addPublicApiCors(request: Request, response: Response): Response {
  const origin = allowedOrigin(request, getEnv().CORS_ALLOWED_ORIGINS);
  try {
    // Each answer depends on the Origin: caches must keep them apart.
    response.headers.append("vary", "Origin");
    if (origin)
      for (const [name, value] of Object.entries(corsHeaders(origin))) response.headers.set(name, value);
  } catch {
    // A Response with immutable headers (a fetched one) is passed on as it is; no route returns one.
  }
  return response;
}

/**
 * OPTIONS of an /api/v1 route. A browser's preflight from a listed origin gets
 * 204 with the methods and headers it may use; from any other origin 403 in the
 * shared error shape, without CORS headers, so the browser sends nothing. An
 * OPTIONS that is no preflight gets a bare 204 (no `Allow`: this handler is shared
 * by routes with different methods, and a wrong list is worse than none).
 */
export const publicApiPreflight = withAccessLog(async (request: Request): Promise<Response> => {
  const origin = allowedOrigin(request, getEnv().CORS_ALLOWED_ORIGINS);
  if (!isPreflight(request)) {
    return new Response(null, { status: 204 });
  }
  if (!origin) throw new AppError("forbidden", "This origin may not call the API from a browser");
  return new Response(null, { status: 204, headers: { ...preflightHeaders(origin), vary: "Origin" } });
});

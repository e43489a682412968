/**
 * CORS for the public API (`/api/v1`) only, answered by its routes (public-api-cors.ts). An origin is
 * allowed when it is listed in CORS_ALLOWED_ORIGINS, compared exactly; anything
 * else gets no CORS header at all, so the browser keeps the answer from the
 * page. No credentials are allowed: the API authenticates with API keys in
 * `Authorization`, never with cookies. Session routes never answer cross-origin.
 */

export const CORS_ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
export const CORS_ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id";
/** Readable by the calling page: the id to quote to support, when to retry, where a created thing is. */
export const CORS_EXPOSED_HEADERS = "X-Request-Id, Retry-After, Location";
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_S = 600;

/** A browser's preflight: OPTIONS naming the method it wants to send. */
export function isPreflight(request: Request): boolean {
  return (
    request.method === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  );
}

/** The request's Origin when it is on the list, else undefined (no CORS headers). */
export function allowedOrigin(request: Request, allowed: readonly string[]): string | undefined {
  const origin = request.headers.get("origin");
  return origin && allowed.includes(origin) ? origin : undefined;
}

/** Headers of an actual (non-preflight) answer to an allowed origin. */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": CORS_EXPOSED_HEADERS,
  };
}

/** Headers of a preflight's 204 to an allowed origin. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": CORS_ALLOWED_METHODS,
    "access-control-allow-headers": CORS_ALLOWED_HEADERS,
    "access-control-max-age": String(CORS_MAX_AGE_S),
  };
}

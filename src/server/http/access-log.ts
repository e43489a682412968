import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { withRequestContext } from "@/lib/request-context";
import { recordRouteError, traceRequest } from "../telemetry/route-span";
import { errorResponse } from "./error-response";

/** Who made a request, as far as the route recognised them (never which key or token). */
export type CallerKind = "session" | "api_key" | "link" | "cron" | "anonymous";

type NextRouteContext = { params: Promise<Record<string, string | string[]>> };

/** What the route core has while it serves one request. */
export type ServedRequest = {
  requestId: string;
  /** Names the caller once recognised; the access line says "anonymous" until then. */
  identify: (kind: CallerKind) => void;
};

/** A caller's own request id is kept for tracing when it is a sane token; anything else is replaced. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : newId("request");
}

/**
 * Serves one request inside its request context, so every line logged meanwhile carries its
 * request id, then writes its access line: method, route, status, duration, request id and
 * caller kind. The route is the pattern (`/api/runs/[runId]`), never the query string, so ids,
 * signed tokens and whatever a client put after `?` stay out of the log. Every answer echoes
 * `x-request-id`. A streamed answer is logged when its headers are ready, not when it ends.
 */
export async function serveWithAccessLog(
  request: Request,
  context: NextRouteContext | undefined,
  serve: (served: ServedRequest) => Promise<Response>,
): Promise<Response> {
  const route = routeOf(request, await Promise.resolve(context?.params).catch(() => undefined));
  return traceRequest(request, route, () => serveAndLog(request, context, serve));
}

async function serveAndLog(
  request: Request,
  context: NextRouteContext | undefined,
  serve: (served: ServedRequest) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(request);
  const started = performance.now();
  let caller: CallerKind = "anonymous";
  return withRequestContext({ requestId }, async () => {
    let response: Response;
    try {
      response = await serve({ requestId, identify: (kind) => (caller = kind) });
    } catch (error) {
      // The wrappers map their own errors; this is for the handlers that have none.
      response = errorResponse(error, requestId);
      recordRouteError(error, response.status);
    }
    response = withHeader(response, "x-request-id", requestId);
    logger.info(
      {
        method: request.method,
        route: routeOf(request, await Promise.resolve(context?.params).catch(() => undefined)),
        status: response.status,
        durationMs: Math.round(performance.now() - started),
        requestId,
        caller,
      },
      "request",
    );
    return response;
  });
}

/** A route handler outside the route wrappers (health, the OpenAPI document, Inngest's endpoint), with its access line. */
export function withAccessLog<R extends Request, A extends unknown[]>(
  handler: (request: R, ...rest: A) => Response | Promise<Response>,
): (request: R, ...rest: A) => Promise<Response> {
  return (request, ...rest) => serveWithAccessLog(request, undefined, async () => handler(request, ...rest));
}

/**
 * The route's pattern: each path segment holding a param's value becomes `[name]` (`[...name]`
 * for a catch-all), in order. Next hands handlers their params but not the pattern itself.
 */
export function routeOf(request: Request, params: Record<string, string | string[]> | undefined): string {
  const segments = new URL(request.url).pathname.split("/");
  if (!params) return segments.join("/");
  let from = 1;
  for (const [name, value] of Object.entries(params)) {
    const parts = Array.isArray(value) ? value : [value];
    const at = findRun(segments, parts, from);
    if (at < 0) continue;
    segments.splice(at, parts.length, Array.isArray(value) ? `[...${name}]` : `[${name}]`);
    from = at + 1;
  }
  return segments.join("/");
}

function findRun(segments: string[], parts: string[], from: number): number {
  if (parts.length === 0) return -1;
  for (let at = from; at + parts.length <= segments.length; at++) {
    if (parts.every((part, i) => sameSegment(segments[at + i] ?? "", part))) return at;
  }
  return -1;
}

function sameSegment(raw: string, value: string): boolean {
  if (raw === value) return true;
  try {
    return decodeURIComponent(raw) === value;
  } catch {
    return false;
  }
}

/** Sets a header, copying the response when its headers are immutable (a fetched one). */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

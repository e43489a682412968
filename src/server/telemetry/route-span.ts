import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { hasRecordedFailure, recordFailure, tracer } from "./tracer";

/**
 * A span per API request: method, route pattern, status, request id (the answer's
 * `x-request-id`). Never the path itself (an approval link's token is part of it), the query
 * string, headers or body. Under Next the request already has Next's own server span, so this
 * one is its child; elsewhere (the tests' in-process server) it is the server span itself.
 */
export function traceRequest(
  request: Request,
  route: string,
  serve: () => Promise<Response>,
): Promise<Response> {
  const method = request.method.toUpperCase();
  const kind = trace.getActiveSpan() ? SpanKind.INTERNAL : SpanKind.SERVER;
  const attributes = { "http.request.method": method, "http.route": route };
  return tracer().startActiveSpan(`${method} ${route}`, { kind, attributes }, async (span) => {
    try {
      const response = await serve();
      span.setAttribute("http.response.status_code", response.status);
      const requestId = response.headers.get("x-request-id");
      if (requestId) span.setAttribute("stepwise.request.id", requestId);
      if (response.status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        if (!hasRecordedFailure(span)) span.setAttribute("error.type", String(response.status));
      }
      return response;
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Records an error a route answered with 5xx on the request's span (4xx are the caller's doing and
 * leave the status unset, as the HTTP conventions say).
 */
export function recordRouteError(error: unknown, status: number): void {
  const span = trace.getActiveSpan();
  if (span && status >= 500) recordFailure(span, error);
}

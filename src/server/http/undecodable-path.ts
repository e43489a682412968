import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { errorResponse } from "./error-response";

/**
 * Next decodes every path segment before it picks a route; a segment that is not valid
 * percent-encoding (`%E0%A4%A`) makes it render its own error page, which fails for route
 * handlers and answers a plain-text 500 that no wrapper sees. The proxy runs before that
 * decoding (it matches on the raw path), so it answers here instead: 400 in our error shape.
 */
export function undecodablePathResponse(pathname: string): Response | null {
  try {
    decodeURIComponent(pathname);
    return null;
  } catch {
    return errorResponse(
      new AppError("bad_request", "The request path is not valid percent-encoding"),
      newId("request"),
    );
  }
}

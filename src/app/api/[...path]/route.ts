// * /api/<anything else> – a JSON 404 in the shared error shape instead of Next's HTML page
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { errorResponse } from "@/server/http/error-response";

function notFound(request: Request): Response {
  const path = new URL(request.url).pathname;
  return errorResponse(new AppError("not_found", `No API route at ${path}`), newId("request"));
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;

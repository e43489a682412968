// * /api/<anything else> – a JSON 404 in the shared error shape instead of Next's HTML page
import { AppError } from "@/lib/errors";
import { withAccessLog } from "@/server/http/access-log";

const notFound = withAccessLog(async (request: Request): Promise<Response> => {
  throw new AppError("not_found", `No API route at ${new URL(request.url).pathname}`);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;

// * /api/<anything else> – a JSON 404 in the shared error shape instead of Next's HTML page
import { AppError } from "@/lib/errors";
import { withAccessLog } from "@/server/http/access-log";
import { addPublicApiCors, publicApiPreflight } from "@/server/http/public-api-cors";

const notFound = withAccessLog(async (request: Request): Promise<Response> => {
  throw new AppError("not_found", `No API route at ${new URL(request.url).pathname}`);
});

/** Under /api/v1 the 404 is the public API's, with its CORS headers (a browser client can read it). */
const answer = async (request: Request): Promise<Response> =>
  isPublicApi(request) ? addPublicApiCors(request, await notFound(request)) : notFound(request);

export const GET = answer;
export const POST = answer;
export const PUT = answer;
export const PATCH = answer;
export const DELETE = answer;
export const OPTIONS = (request: Request): Promise<Response> =>
  isPublicApi(request) ? publicApiPreflight(request) : notFound(request);

function isPublicApi(request: Request): boolean {
  const { pathname } = new URL(request.url);
  return pathname === "/api/v1" || pathname.startsWith("/api/v1/");
}

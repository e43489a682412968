// GET /api/v1/openapi.json – the OpenAPI 3.1 document of /api/v1 (public: describing the API needs no key)
import { withAccessLog } from "@/server/http/access-log";
import { publicApiPreflight, withPublicApiCors } from "@/server/http/public-api-cors";
import { buildOpenApiDocument } from "@/server/openapi/build-document";

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const GET = withPublicApiCors(
  withAccessLog((): Response => {
    // Built once per process: it depends on code only, never on the request.
    document ??= buildOpenApiDocument();
    return Response.json(document, { headers: { "cache-control": "public, max-age=300" } });
  }),
);

export const OPTIONS = publicApiPreflight;

import { timingSafeEqual } from "node:crypto";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { type Database, getDb } from "../db/client";
import { recordRouteError } from "../telemetry/route-span";
import { serveWithAccessLog } from "./access-log";
import { errorResponse, json } from "./error-response";

/**
 * A Vercel Cron target: `Authorization: Bearer $CRON_SECRET` and nothing else.
 * Without a configured secret every call is refused (production refuses to start
 * without one; `npm run dev`/`npm start` make one up and call the routes themselves).
 */
export function cronRoute(handler: (ctx: { db: Database; requestId: string }) => Promise<unknown>) {
  return (request: Request): Promise<Response> =>
    serveWithAccessLog(request, undefined, async ({ requestId, identify }) => {
      try {
        if (!isCronCaller(request.headers.get("authorization"), getEnv().CRON_SECRET)) {
          throw new AppError("unauthorized", "Cron routes need Authorization: Bearer <CRON_SECRET>");
        }
        identify("cron");
        return json(await handler({ db: await getDb(), requestId }), 200, requestId);
      } catch (error) {
        const response = errorResponse(error, requestId);
        recordRouteError(error, response.status);
        if (response.status === 401) response.headers.set("www-authenticate", 'Bearer realm="stepwise-cron"');
        return response;
      }
    });
}

function isCronCaller(header: string | null, secret: string | undefined): boolean {
  if (!secret || !header?.startsWith("Bearer ")) return false;
  const given = Buffer.from(header.slice("Bearer ".length));
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

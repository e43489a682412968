// GET /api/health/ready – readiness: database, Inngest and the rate-limit store each answer in time (no auth; names no host or version)
import { checkReadinessShared } from "@/server/health/check-readiness";
import { withAccessLog } from "@/server/http/access-log";
import { RETRY_AFTER_SECONDS } from "@/server/http/error-response";

export const dynamic = "force-dynamic";

export const GET = withAccessLog(async (): Promise<Response> => {
  const readiness = await checkReadinessShared();
  const ready = readiness.status === "ready";
  return Response.json(readiness, {
    status: ready ? 200 : 503,
    headers: {
      "cache-control": "no-store",
      ...(ready ? {} : { "retry-after": String(RETRY_AFTER_SECONDS) }),
    },
  });
});

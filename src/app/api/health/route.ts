// GET /api/health – liveness and database readiness (no auth; reveals no data)
import { checkHealth } from "@/server/health/check-health";
import { RETRY_AFTER_SECONDS } from "@/server/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await checkHealth();
  const ok = health.status === "ok";
  return Response.json(health, {
    status: ok ? 200 : 503,
    headers: {
      "cache-control": "no-store",
      ...(ok ? {} : { "retry-after": String(RETRY_AFTER_SECONDS) }),
    },
  });
}

// GET /api/health – liveness: the process answers. No dependency is checked (see /api/health/ready).
import { withAccessLog } from "@/server/http/access-log";

export const dynamic = "force-dynamic";

export const GET = withAccessLog(
  async (): Promise<Response> =>
    Response.json(
      { status: "ok", timestamp: new Date().toISOString() },
      { headers: { "cache-control": "no-store" } },
    ),
);

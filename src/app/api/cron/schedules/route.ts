// GET /api/cron/schedules – start every due schedule occurrence once (Vercel Cron every minute, Bearer CRON_SECRET)
import { cronRoute } from "@/server/http/cron-route";
import { tickSchedules } from "@/server/schedules/tick-schedules";

export const dynamic = "force-dynamic";

export const GET = cronRoute(({ db }) => tickSchedules({ db }));

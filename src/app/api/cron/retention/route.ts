// GET /api/cron/retention – delete finished runs past their workspace's retention (Vercel Cron, Bearer CRON_SECRET)
import { getEnv } from "@/lib/env";
import { cronRoute } from "@/server/http/cron-route";
import { applyRetention } from "@/server/retention/apply-retention";

export const dynamic = "force-dynamic";

export const GET = cronRoute(({ db }) => applyRetention(db, { limit: getEnv().RETENTION_BATCH_SIZE }));

// GET /api/cron/reconcile – repair runs stuck queued, running or waiting (Vercel Cron, Bearer CRON_SECRET)
import { cronRoute } from "@/server/http/cron-route";
import { reconcileRuns } from "@/server/reconcile/reconcile-runs";

export const dynamic = "force-dynamic";

export const GET = cronRoute(({ db }) => reconcileRuns(db));

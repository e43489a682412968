// GET|POST|PUT /api/inngest – the Inngest serve endpoint (sync, introspection, step execution)
import { serve } from "inngest/next";
import { getEnv } from "@/lib/env";
import { withAccessLog } from "@/server/http/access-log";
import { writeRecordsBeforeAnswer } from "@/server/runs/step-record-barrier";
import { inngest } from "../../../../inngest/client";
import { functions } from "../../../../inngest/functions";

// Checkpointed executions run many steps in one request; let them use the platform's limit.
export const maxDuration = 300;
export const dynamic = "force-dynamic";

const handlers = serve({
  client: inngest,
  functions,
  serveOrigin: getEnv().INNGEST_SERVE_ORIGIN,
  // Inngest's own syncs are signed. An unsigned PUT would otherwise make the SDK register the app
  // at whatever Host the request named, handing every future run to that host.
  enableUnauthedSync: false,
});

// An access line per call, like every route's (the path only: Inngest's query names functions and steps).
// An answer that reports steps leaves only once their held records are written (step-record-barrier).
export const GET = withAccessLog(handlers.GET);
export const POST = withAccessLog(writeRecordsBeforeAnswer(handlers.POST));
export const PUT = withAccessLog(handlers.PUT);

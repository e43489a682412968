// GET|POST|PUT /api/inngest – the Inngest serve endpoint (sync, introspection, step execution)
import { serve } from "inngest/next";
import { inngest } from "../../../../inngest/client";
import { functions } from "../../../../inngest/functions";
import { getEnv } from "@/lib/env";

// Checkpointed executions run many steps in one request; let them use the platform's limit.
export const maxDuration = 300;
export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({
  client: inngest,
  functions,
  serveOrigin: getEnv().INNGEST_SERVE_ORIGIN,
});

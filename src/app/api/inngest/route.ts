// GET|POST|PUT /api/inngest – the Inngest serve endpoint (sync, introspection, step execution)
import { serve } from "inngest/next";
import { getEnv } from "@/lib/env";
import { inngest } from "../../../../inngest/client";
import { functions } from "../../../../inngest/functions";

// Checkpointed executions run many steps in one request; let them use the platform's limit.
export const maxDuration = 300;
export const dynamic = "force-dynamic";

export const { GET, POST, PUT } = serve({
  client: inngest,
  functions,
  serveOrigin: getEnv().INNGEST_SERVE_ORIGIN,
});

import { getEnv } from "@/lib/env";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { exampleInputFor } from "../workflows/example-input";
import { listWorkflowsWithInputSchema } from "../workflows/queries";

const HOME_PAGE_WORKFLOWS = 50;

/**
 * What the home page shows: the caller's workspace's workflows, newest first, each
 * with a run snippet for the app's real origin and an input its schema accepts.
 */
export async function loadHomePage(caller: Caller) {
  const rows = await listWorkflowsWithInputSchema(await getDb(), caller.workspaceId, HOME_PAGE_WORKFLOWS);
  const origin = getEnv().APP_URL.replace(/\/$/, "");
  const workflows = rows.map(({ workflow, inputSchema }) => ({
    ...workflow,
    runSnippet: runSnippet(origin, workflow.id, exampleInputFor(inputSchema)),
  }));
  return { workflows };
}

function runSnippet(origin: string, workflowId: string, input: Record<string, unknown>): string {
  const body = JSON.stringify({ input }).replaceAll("'", "'\\''");
  return `curl -s -X POST ${origin}/api/workflows/${workflowId}/runs \\\n  -H 'content-type: application/json' -d '${body}'`;
}

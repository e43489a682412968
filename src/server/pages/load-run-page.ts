import { and, eq } from "drizzle-orm";
import type { StepUsage, StoredOutputMarker } from "@/contracts/step-usage";
import { AppError } from "@/lib/errors";
import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { runSteps, workflows, workflowVersions } from "../db/schema";
import { editedNodeIdOf, RunIdSchema } from "../runs/contracts";
import { OUTPUT_INLINE_LIMIT_BYTES } from "../runs/output-refs";
import { getRunDetail, getRunOrThrow, listRunEvents } from "../runs/queries";
import { toRunEventMessage } from "../runs/run-event-message";

export type { StepUsage, StoredOutputMarker };

/**
 * A run (with every node's step), its workflow's name, its event log so far, the graph of the version it is pinned to,
 * each step's model usage and, for a re-run with an edited output, that output; or null when the
 * caller cannot see it: a malformed id, a run that does not exist and another workspace's run all
 * look the same (the page answers 404). Outputs larger than the inline limit are left out of the
 * page (a marker with their size stands in).
 */
export async function loadRunPage(caller: Caller, runId: string) {
  if (!RunIdSchema.safeParse(runId).success) return null;
  const db = await getDb();
  const { workspaceId } = caller;
  try {
    // Events first: the steps read after them are at least as new, so the page need not read them again.
    const events = (await listRunEvents(db, workspaceId, runId)).map(toRunEventMessage);
    const detail = await getRunDetail(db, workspaceId, runId);
    const row = await getRunOrThrow(db, workspaceId, runId);
    const [version] = await db
      .select({ graph: workflowVersions.graph })
      .from(workflowVersions)
      .where(
        and(eq(workflowVersions.id, row.workflowVersionId), eq(workflowVersions.workspaceId, workspaceId)),
      );
    const [workflow] = await db
      .select({ name: workflows.name })
      .from(workflows)
      .where(and(eq(workflows.id, row.workflowId), eq(workflows.workspaceId, workspaceId)));
    const usageRows = await db
      .select({
        nodeId: runSteps.nodeId,
        model: runSteps.model,
        tokensIn: runSteps.tokensIn,
        tokensOut: runSteps.tokensOut,
        costUsd: runSteps.costUsd,
      })
      .from(runSteps)
      .where(and(eq(runSteps.runId, runId), eq(runSteps.workspaceId, workspaceId)));
    const editedNodeId = editedNodeIdOf(detail);
    const run = {
      ...detail,
      steps: detail.steps.map((step) => ({ ...step, output: pageSized(step.output) })),
    };
    return {
      run,
      // Runs are deleted with their workflow, so the row is there; the id only satisfies the type.
      workflowName: workflow?.name ?? row.workflowId,
      events,
      graph: version?.graph ?? null,
      usage: Object.fromEntries(
        usageRows
          .filter((usage) => usage.model !== null || usage.tokensIn !== null || usage.costUsd !== null)
          .map(({ nodeId, ...usage }) => [nodeId, usage satisfies StepUsage]),
      ) as Record<string, StepUsage>,
      editedNodeId,
      editedOutput: editedNodeId === null ? null : (row.seedOutputs?.[editedNodeId] ?? null),
    };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") return null;
    throw error;
  }
}

function pageSized(output: unknown): unknown {
  const sizeBytes = Buffer.byteLength(JSON.stringify(output ?? null));
  return sizeBytes > OUTPUT_INLINE_LIMIT_BYTES
    ? ({ $stored: true, sizeBytes } satisfies StoredOutputMarker)
    : output;
}

import { GRAPH_LIMITS } from "@/engine";
import { AppError } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { workflowDrafts } from "../db/schema";
import type { DraftBody, DraftWithIssuesDto } from "./contracts";
import { draftIssues } from "./draft-issues";
import { getWorkflowOrThrow } from "./queries";
import { toDraftDto } from "./to-dto";

/** A draft may be any graph, but never a bigger one than a save accepts: the row stays bounded. */
function assertWithinGraphLimit(value: unknown, field: "graph" | "inputSchema") {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
  if (bytes > GRAPH_LIMITS.maxBytes) {
    const message = `${field} is ${bytes} bytes when serialized; the limit is ${GRAPH_LIMITS.maxBytes}`;
    throw new AppError("payload_too_large", message, [{ path: ["body", field], message, code: "too_large" }]);
  }
}

/**
 * Stores the editor's draft of a workflow (one per workflow, replaced on every save) without judging
 * the graph, and answers the issues a publish would refuse it for. The base version is the one
 * current when the draft was first saved.
 */
export async function saveDraft(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; workflowId: string; body: DraftBody },
): Promise<DraftWithIssuesDto> {
  assertWithinGraphLimit(args.body.graph, "graph");
  assertWithinGraphLimit(args.body.inputSchema, "inputSchema");
  const workflow = await getWorkflowOrThrow(db, args.workspaceId, args.workflowId);
  const fields = {
    name: args.body.name,
    description: args.body.description,
    tags: args.body.tags,
    graph: args.body.graph,
    inputSchema: args.body.inputSchema,
    // Set here, not by the database: publish deletes the draft only if it is still this save (ms precision).
    updatedAt: new Date(),
  };
  const [draft] = await db
    .insert(workflowDrafts)
    .values({
      workflowId: workflow.id,
      workspaceId: args.workspaceId,
      baseVersion: workflow.currentVersion,
      ...fields,
    })
    .onConflictDoUpdate({ target: workflowDrafts.workflowId, set: fields })
    .returning();
  if (!draft) throw new Error("upsert returned no row");
  return { draft: toDraftDto(draft), issues: draftIssues(draft) };
}

import type { WorkflowGraph } from "@/engine";
import type { Workflow, WorkflowDraft, WorkflowVersion } from "../db/schema";
import type { WorkflowDraftDto, WorkflowDto, WorkflowGraphDto, WorkflowSummaryDto } from "./contracts";

export function toWorkflowSummary(workflow: Workflow): WorkflowSummaryDto {
  return {
    id: workflow.id,
    name: workflow.name,
    description: workflow.description,
    tags: workflow.tags,
    version: workflow.currentVersion,
    createdAt: workflow.createdAt.toISOString(),
    updatedAt: workflow.updatedAt.toISOString(),
  };
}

/**
 * The column is untyped JSON, but only graphs that passed `validateGraph` are written to it. Returning
 * the engine's graph type as the wire type makes the compiler check that the documented shape covers it.
 */
function storedGraph(graph: unknown): WorkflowGraphDto {
  return graph as WorkflowGraph;
}

export function toWorkflowDto(workflow: Workflow, version: WorkflowVersion): WorkflowDto {
  return {
    ...toWorkflowSummary(workflow),
    graph: storedGraph(version.graph),
    inputSchema: version.inputSchema ?? null,
  };
}

/** A stored draft, or (with `updatedAt` null) a version offered as a fresh draft. */
export function toDraftDto(
  draft: Pick<
    WorkflowDraft,
    "workflowId" | "baseVersion" | "name" | "description" | "tags" | "inputSchema"
  > & {
    graph: unknown;
    updatedAt: Date | null;
  },
): WorkflowDraftDto {
  return {
    workflowId: draft.workflowId,
    baseVersion: draft.baseVersion,
    name: draft.name,
    description: draft.description,
    tags: draft.tags,
    // Drafts store `{ nodes, edges }` arrays (checked on save); versions store validated graphs.
    graph: draft.graph as WorkflowDraftDto["graph"],
    inputSchema: draft.inputSchema ?? null,
    updatedAt: draft.updatedAt?.toISOString() ?? null,
  };
}

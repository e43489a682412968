import type { WorkflowGraph } from "@/engine";
import type { Workflow, WorkflowVersion } from "../db/schema";
import type { WorkflowDto, WorkflowGraphDto, WorkflowSummaryDto } from "./contracts";

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

import type { Workflow, WorkflowVersion } from "../db/schema";
import type { WorkflowDto, WorkflowSummaryDto } from "./contracts";

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

export function toWorkflowDto(workflow: Workflow, version: WorkflowVersion): WorkflowDto {
  return { ...toWorkflowSummary(workflow), graph: version.graph, inputSchema: version.inputSchema ?? null };
}

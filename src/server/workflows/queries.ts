import { and, desc, eq, isNull } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { workflows, workflowVersions } from "../db/schema";
import type { WorkflowDto, WorkflowListDto } from "./contracts";
import { toWorkflowDto, toWorkflowSummary } from "./to-dto";

/** Reads for routes and pages. Every query is scoped by workspace: another tenant's id is "not found". */

export async function listWorkflows(db: DatabaseOrTransaction, workspaceId: string, limit: number) {
  return db
    .select()
    .from(workflows)
    .where(and(eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)))
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(limit);
}

/** The workflows of a workspace with their current version's input schema (for the home page's snippets). */
export async function listWorkflowsWithInputSchema(
  db: DatabaseOrTransaction,
  workspaceId: string,
  limit: number,
) {
  return db
    .select({ workflow: workflows, inputSchema: workflowVersions.inputSchema })
    .from(workflows)
    .leftJoin(
      workflowVersions,
      and(
        eq(workflowVersions.workflowId, workflows.id),
        eq(workflowVersions.version, workflows.currentVersion),
      ),
    )
    .where(and(eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)))
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(limit);
}

export async function getWorkflowOrThrow(db: DatabaseOrTransaction, workspaceId: string, workflowId: string) {
  const [workflow] = await db
    .select()
    .from(workflows)
    .where(
      and(eq(workflows.id, workflowId), eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)),
    );
  if (!workflow) throw notFound("Workflow");
  return workflow;
}

export async function getVersionOrThrow(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
  version: number,
) {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.workflowId, workflowId),
        eq(workflowVersions.workspaceId, workspaceId),
        eq(workflowVersions.version, version),
      ),
    );
  if (!row) throw notFound("Workflow version");
  return row;
}

/** The workflow with its current version, as the detail route answers it. */
export async function getWorkflowWithCurrentVersion(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
) {
  const workflow = await getWorkflowOrThrow(db, workspaceId, workflowId);
  const version = await getVersionOrThrow(db, workspaceId, workflowId, workflow.currentVersion);
  return { workflow, version };
}

/** The list routes' answer. */
export async function listWorkflowSummaries(
  db: DatabaseOrTransaction,
  workspaceId: string,
  limit: number,
): Promise<WorkflowListDto> {
  return { data: (await listWorkflows(db, workspaceId, limit)).map(toWorkflowSummary) };
}

/** The detail routes' answer: the workflow with its current graph. */
export async function getWorkflowDetail(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
): Promise<WorkflowDto> {
  const { workflow, version } = await getWorkflowWithCurrentVersion(db, workspaceId, workflowId);
  return toWorkflowDto(workflow, version);
}

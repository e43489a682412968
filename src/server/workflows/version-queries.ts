import { and, desc, eq, sql } from "drizzle-orm";
import type { DatabaseOrTransaction } from "../db/client";
import { workflowDrafts, workflowVersions } from "../db/schema";
import type { WorkflowGraphDto, WorkflowVersionDto, WorkflowVersionListDto } from "./contracts";
import { getVersionOrThrow, getWorkflowOrThrow } from "./queries";

/** Reads of a workflow's immutable versions, scoped by workspace like every workflow read. */

/** The history, newest first, with node and edge counts taken in SQL (the graphs stay in the database). */
export async function listWorkflowVersions(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
): Promise<WorkflowVersionListDto> {
  const workflow = await getWorkflowOrThrow(db, workspaceId, workflowId);
  const rows = await db
    .select({
      version: workflowVersions.version,
      createdAt: workflowVersions.createdAt,
      nodeCount: sql<number>`jsonb_array_length(${workflowVersions.graph} -> 'nodes')`,
      edgeCount: sql<number>`jsonb_array_length(${workflowVersions.graph} -> 'edges')`,
    })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflow.id), eq(workflowVersions.workspaceId, workspaceId)))
    .orderBy(desc(workflowVersions.version));
  return {
    currentVersion: workflow.currentVersion,
    data: rows.map((row) => ({
      version: row.version,
      createdAt: row.createdAt.toISOString(),
      nodeCount: Number(row.nodeCount),
      edgeCount: Number(row.edgeCount),
    })),
  };
}

/** One version's full definition; 404 for a version the workflow never had. */
export async function getWorkflowVersion(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
  version: number,
): Promise<WorkflowVersionDto> {
  const workflow = await getWorkflowOrThrow(db, workspaceId, workflowId);
  const row = await getVersionOrThrow(db, workspaceId, workflow.id, version);
  return {
    workflowId: workflow.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    name: workflow.name,
    description: workflow.description,
    // Only graphs that passed validation are stored as versions.
    graph: row.graph as WorkflowGraphDto,
    inputSchema: row.inputSchema ?? null,
  };
}

/** Whether the workflow has a draft in progress, and from which version and when; null when none. */
export async function findDraftSummary(db: DatabaseOrTransaction, workspaceId: string, workflowId: string) {
  const [draft] = await db
    .select({ baseVersion: workflowDrafts.baseVersion, updatedAt: workflowDrafts.updatedAt })
    .from(workflowDrafts)
    .where(and(eq(workflowDrafts.workflowId, workflowId), eq(workflowDrafts.workspaceId, workspaceId)));
  return draft ? { baseVersion: draft.baseVersion, updatedAt: draft.updatedAt.toISOString() } : null;
}

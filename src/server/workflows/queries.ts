import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { notFound } from "@/lib/errors";
import type { DatabaseOrTransaction } from "../db/client";
import { runs, workflows, workflowVersions } from "../db/schema";
import type { WorkflowDto, WorkflowListDto, WorkflowListItemDto } from "./contracts";
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

/** The workflow with its current version, as the detail route answers it; one query (every run start reads it). */
export async function getWorkflowWithCurrentVersion(
  db: DatabaseOrTransaction,
  workspaceId: string,
  workflowId: string,
) {
  const [row] = await db
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .leftJoin(
      workflowVersions,
      and(
        eq(workflowVersions.workflowId, workflows.id),
        eq(workflowVersions.workspaceId, workflows.workspaceId),
        eq(workflowVersions.version, workflows.currentVersion),
      ),
    )
    .where(
      and(eq(workflows.id, workflowId), eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)),
    );
  if (!row) throw notFound("Workflow");
  if (!row.version) throw notFound("Workflow version");
  return { workflow: row.workflow, version: row.version };
}

/** The list routes' answer. */
export async function listWorkflowSummaries(
  db: DatabaseOrTransaction,
  workspaceId: string,
  limit: number,
): Promise<WorkflowListDto> {
  return { data: (await listWorkflows(db, workspaceId, limit)).map(toWorkflowSummary) };
}

/**
 * The app's list: each workflow with its run count and last run, in one statement (two lateral
 * subqueries over the runs' (workflow_id, created_at) index) rather than a query per row.
 */
export async function listWorkflowItems(
  db: DatabaseOrTransaction,
  workspaceId: string,
  limit: number,
): Promise<{ data: WorkflowListItemDto[] }> {
  const ofWorkflow = and(eq(runs.workflowId, workflows.id), eq(runs.workspaceId, workflows.workspaceId));
  const lastRun = db
    .select({ id: runs.id, status: runs.status, createdAt: runs.createdAt })
    .from(runs)
    .where(ofWorkflow)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(1)
    .as("last_run");
  const runTotals = db
    .select({ runCount: count().as("run_count") })
    .from(runs)
    .where(ofWorkflow)
    .as("run_totals");
  const rows = await db
    .select({
      workflow: workflows,
      lastId: lastRun.id,
      lastStatus: lastRun.status,
      lastCreatedAt: lastRun.createdAt,
      runCount: runTotals.runCount,
    })
    .from(workflows)
    .leftJoinLateral(lastRun, sql`true`)
    .leftJoinLateral(runTotals, sql`true`)
    .where(and(eq(workflows.workspaceId, workspaceId), isNull(workflows.deletedAt)))
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(limit);
  return {
    data: rows.map((row) => ({
      ...toWorkflowSummary(row.workflow),
      runCount: Number(row.runCount ?? 0),
      lastRun:
        row.lastId && row.lastStatus && row.lastCreatedAt
          ? { id: row.lastId, status: row.lastStatus, createdAt: row.lastCreatedAt.toISOString() }
          : null,
    })),
  };
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

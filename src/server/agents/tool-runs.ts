import { and, eq } from "drizzle-orm";
import type { AgentToolInvocation, ChildRunRef, WorkflowNodeOf } from "@/engine";
import { AgentConfigSchema } from "@/engine";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { runs } from "../db/schema";
import { isTerminalRunStatus } from "../runs/statuses";
import type { WaitStepRef } from "../runs/wait-node-steps";
import { createChildRun } from "../subruns/start-subrun";
import { readToolApproval } from "./tool-approvals";

/**
 * Inside `agent:<id>:subrun-start:<n>:<callId>`: the child run of a workflow tool, queued and pinned,
 * with the call's arguments as its input (a retry finds the child it created). What keeps it from
 * running — a denied approval, no such workflow, arguments the child's input schema refuses — is
 * returned as a problem for the model, never a failure of the agent.
 */
export async function startToolRun(
  db: Database,
  args: WaitStepRef & {
    node: WorkflowNodeOf<"agent">;
    invocation: AgentToolInvocation;
    publish: (events: RunEvent[]) => void;
  },
): Promise<ChildRunRef | { problem: string }> {
  const { node, invocation, publish, ...ref } = args;
  if (invocation.approval !== undefined) {
    const approval = await readToolApproval(db, {
      ...ref,
      approvalId: invocation.approval.approvalId,
      publish,
    });
    if (approval.decision !== "approved") return { problem: "not approved" };
  }
  const tool = AgentConfigSchema.parse(node.data.config).tools.find(
    (candidate) => candidate.kind === "workflow" && candidate.name === invocation.call.toolName,
  );
  if (tool?.kind !== "workflow") return { problem: `Unknown tool "${invocation.call.toolName}".` };
  const [parent] = await db.select().from(runs).where(eq(runs.id, ref.runId));
  if (!parent) throw new Error(`run ${ref.runId} not found`);
  const created = await createChildRun(db, {
    parent,
    workflowId: tool.workflowId,
    pinned: tool.version,
    input: invocation.call.args as Record<string, unknown>,
    idempotencyKey: `subrun:${ref.runId}:${invocation.stepId}`,
  });
  if (!created.ok) return { problem: created.message };
  return { runId: created.run.id, workspaceId: created.run.workspaceId };
}

/** Inside the tool step, after the child ran: its output, or why it did not run or failed. */
export async function readToolRun(
  db: Database,
  ref: WaitStepRef,
  invocation: AgentToolInvocation,
): Promise<{ output: unknown; isError: boolean }> {
  const child = invocation.child;
  if (child?.run === undefined)
    return { output: child?.problem ?? "The workflow did not run.", isError: true };
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.id, child.run.runId), eq(runs.workspaceId, ref.workspaceId)));
  if (!row) return { output: `Run ${child.run.runId} no longer exists.`, isError: true };
  if (row.status === "succeeded" || row.status === "partial")
    return { output: row.output ?? null, isError: false };
  const reason = isTerminalRunStatus(row.status)
    ? `${row.status}${row.error?.message ? `: ${row.error.message}` : ""}`
    : "ended without finishing";
  return { output: `The workflow run ${row.id} ${reason}`, isError: true };
}

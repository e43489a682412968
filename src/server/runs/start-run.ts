import { and, eq } from "drizzle-orm";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Database, DatabaseOrTransaction } from "../db/client";
import { type Run, type RunTrigger, runs } from "../db/schema";
import { getWorkflowWithCurrentVersion } from "../workflows/queries";
import type { RunAcceptedDto, StartRunBody } from "./contracts";
import { dispatchRunOrFail } from "./dispatch-run";
import { insertQueuedRun } from "./insert-queued-run";
import { requestHash } from "./request-hash";
import { rerunFromNode } from "./rerun-from-node";
import { validateRunInput } from "./validate-run-input";

export type StartRunResult = { run: RunAcceptedDto; created: boolean };

/**
 * Starts a run of a workflow's current version: validates the input, inserts
 * the run (queued, pinned to the version) with its first event, sends the start
 * event, and answers without waiting for execution.
 */
export async function startRun(
  db: Database,
  args: { workspaceId: string; workflowId: string; body: StartRunBody; trigger: RunTrigger },
): Promise<StartRunResult> {
  const { workspaceId, workflowId, body } = args;
  const hash = requestHash({
    workflowId,
    input: body.input,
    from: body.fromNodeId,
    source: body.sourceRunId,
    output: body.output,
  });
  if (body.idempotencyKey) {
    const existing = await findByIdempotencyKey(db, workspaceId, body.idempotencyKey);
    if (existing) return replay(existing, hash);
  }
  if (body.fromNodeId !== undefined && body.sourceRunId !== undefined) {
    const run = await rerunFromNode(db, {
      ...args,
      body: { ...body, fromNodeId: body.fromNodeId, sourceRunId: body.sourceRunId },
      requestHash: hash,
    });
    return { run, created: true };
  }
  const queued = await queueRun(db, {
    workspaceId,
    workflowId,
    input: body.input,
    trigger: args.trigger,
    idempotencyKey: body.idempotencyKey,
    requestHash: hash,
  });
  if (!queued.created) return replay(queued.run, hash);
  await dispatchRunOrFail(db, queued.run);
  return { run: { runId: queued.run.id, status: "queued" }, created: true };
}

/**
 * Everything startRun does but the dispatch: the current version, the input
 * check, the queued run (or the one its idempotency key already made, when a
 * concurrent request won the insert). Given a transaction, the run commits
 * with the caller's other writes; the caller dispatches it after the commit
 * (a run Inngest never heard of is sent by the reconciler).
 */
export async function queueRun(
  db: DatabaseOrTransaction,
  args: {
    workspaceId: string;
    workflowId: string;
    input: Record<string, unknown>;
    trigger: RunTrigger;
    idempotencyKey?: string;
    /** Defaults to the hash of a plain start with this input. */
    requestHash?: string;
  },
): Promise<{ run: Run; created: boolean }> {
  const { workspaceId, workflowId, idempotencyKey } = args;
  const hash = args.requestHash ?? requestHash({ workflowId, input: args.input });
  const { version } = await getWorkflowWithCurrentVersion(db, workspaceId, workflowId);
  validateRunInput(args.input, version.inputSchema ?? null, getEnv().RUN_INPUT_MAX_BYTES);
  try {
    const run = await insertQueuedRun(db, version, {
      trigger: args.trigger,
      input: args.input,
      idempotencyKey: idempotencyKey ?? null,
      requestHash: hash,
      nodeCount: countNodes(version.graph),
    });
    return { run, created: true };
  } catch (error) {
    // Two requests with one idempotency key raced: the loser answers with the winner's run.
    if (idempotencyKey && isUniqueViolation(error)) {
      const existing = await findByIdempotencyKey(db, workspaceId, idempotencyKey);
      if (existing) return { run: existing, created: false };
    }
    throw error;
  }
}

async function findByIdempotencyKey(
  db: DatabaseOrTransaction,
  workspaceId: string,
  key: string,
): Promise<Run | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.idempotencyKey, key)));
  return row;
}

function replay(existing: Run, hash: string): StartRunResult {
  if (existing.requestHash !== hash) {
    throw new AppError("conflict", "This idempotency key was already used with a different request");
  }
  return { run: { runId: existing.id, status: existing.status }, created: false };
}

function countNodes(graph: unknown): number {
  const nodes = (graph as { nodes?: unknown[] } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.length : 0;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "23505") return true;
  }
  return false;
}

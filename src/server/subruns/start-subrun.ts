import { and, eq } from "drizzle-orm";
import {
  type ChildRunRef,
  isNodeExecutionError,
  MAX_SUBWORKFLOW_DEPTH,
  NODE_CONFIG_SCHEMAS,
  type RunScope,
  subworkflowInputOf,
  type WorkflowNodeOf,
} from "@/engine";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Database } from "../db/client";
import { type Run, type RunEvent, runs } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { insertQueuedRun } from "../runs/insert-queued-run";
import { validateRunInput } from "../runs/validate-run-input";
import { failWaitStep, lockLiveRunOrStop, openWaitStep, type WaitStepRef } from "../runs/wait-node-steps";
import { resolveChildVersion } from "./resolve-child-version";

type Publish = (events: RunEvent[]) => void;

/**
 * The first step of a sub-workflow node (`subrun-start:<nodeId>`): creates the child run, queued and
 * pinned to its version, in the parent's workspace only, at most MAX_SUBWORKFLOW_DEPTH deep, and opens
 * the node's step row. The child is not dispatched: the next step invokes the executor on it. A retried
 * attempt finds the child it already created (idempotency key `subrun:<parent>:<node>`).
 */
export async function startSubrun(
  db: Database,
  args: WaitStepRef & { node: WorkflowNodeOf<"subworkflow">; scope: RunScope; publish: Publish },
): Promise<ChildRunRef> {
  const { node, scope, publish, ...ref } = args;
  const fail = async (code: string, message: string) => failWaitStep(db, ref, { code, message }, publish);
  const [parent] = await db.select().from(runs).where(eq(runs.id, ref.runId));
  if (!parent) throw new Error(`run ${ref.runId} not found`);

  const idempotencyKey = `subrun:${parent.id}:${node.id}`;
  const child =
    (await findChild(db, parent.workspaceId, idempotencyKey)) ??
    (await createChild(db, { parent, node, scope, idempotencyKey, fail }));

  const events = await db.transaction(async (tx) => {
    await lockLiveRunOrStop(tx, ref);
    return appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: [
        await openWaitStep(tx, ref),
        {
          type: "log",
          nodeId: node.id,
          data: { level: "info", message: `sub-workflow run ${child.id} started`, childRunId: child.id },
          dedupeKey: `subrun:${node.id}`,
        },
      ],
    });
  });
  publish(events);
  return { runId: child.id, workspaceId: child.workspaceId };
}

async function findChild(db: Database, workspaceId: string, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.workspaceId, workspaceId), eq(runs.idempotencyKey, idempotencyKey)));
  return row;
}

async function createChild(
  db: Database,
  args: {
    parent: Run;
    node: WorkflowNodeOf<"subworkflow">;
    scope: RunScope;
    idempotencyKey: string;
    fail: (code: string, message: string) => Promise<Error>;
  },
): Promise<Run> {
  const { parent, node, fail } = args;
  const config = NODE_CONFIG_SCHEMAS.subworkflow.safeParse(node.data.config);
  if (!config.success) {
    const issue = config.error.issues[0];
    const where = ["config", ...(issue?.path.map(String) ?? [])].join(".");
    throw await fail("invalid_config", `Node "${node.id}": ${where}: ${issue?.message ?? "invalid"}`);
  }
  const { workflowId, version: pinned } = config.data;
  if (parent.depth + 1 > MAX_SUBWORKFLOW_DEPTH) {
    throw await fail(
      "subworkflow_depth",
      `Sub-workflows nest at most ${MAX_SUBWORKFLOW_DEPTH} deep; run ${parent.id} is already at depth ${parent.depth}`,
    );
  }

  let input: Record<string, unknown>;
  try {
    input = await subworkflowInputOf(config.data, args.scope);
  } catch (error) {
    if (!isNodeExecutionError(error)) throw error;
    throw await fail(error.code, error.message);
  }

  const created = await createChildRun(db, {
    parent,
    workflowId,
    pinned,
    input,
    idempotencyKey: args.idempotencyKey,
  });
  if (!created.ok) throw await fail(created.code, created.message);
  return created.run;
}

/**
 * A queued child run of `parent` (its workspace only, pinned to `pinned` or to the version current
 * when the parent started, its input checked against the child's schema), or why not. Shared by
 * sub-workflow nodes and agents' workflow tools; `idempotencyKey` makes a retry find its child.
 */
export async function createChildRun(
  db: Database,
  args: {
    parent: Run;
    workflowId: string;
    pinned: number | undefined;
    input: Record<string, unknown>;
    idempotencyKey: string;
  },
): Promise<{ ok: true; run: Run } | { ok: false; code: string; message: string }> {
  const { parent, workflowId, pinned, input } = args;
  const existing = await findChild(db, parent.workspaceId, args.idempotencyKey);
  if (existing) return { ok: true, run: existing };
  let version: Awaited<ReturnType<typeof resolveChildVersion>>;
  try {
    version = await resolveChildVersion(db, {
      workspaceId: parent.workspaceId,
      workflowId,
      pinned,
      parentCreatedAt: parent.createdAt,
    });
    validateRunInput(input, version.inputSchema ?? null, getEnv().RUN_INPUT_MAX_BYTES);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // Another workspace's workflow reads exactly like a missing one: ids never leak across tenants.
    if (error.code === "not_found") {
      return {
        ok: false,
        code: "subworkflow_not_found",
        message:
          pinned === undefined
            ? `Workflow "${workflowId}" does not exist in this workspace`
            : `Workflow "${workflowId}" has no version ${pinned} in this workspace`,
      };
    }
    return { ok: false, code: "invalid_input", message: `Sub-workflow "${workflowId}": ${error.message}` };
  }

  try {
    const run = await insertQueuedRun(db, version, {
      trigger: "subworkflow",
      input,
      idempotencyKey: args.idempotencyKey,
      parentRunId: parent.id,
      depth: parent.depth + 1,
      nodeCount: countNodes(version.graph),
    });
    return { ok: true, run };
  } catch (error) {
    // A retry raced an attempt that did create the child: use that one.
    const raced = await findChild(db, parent.workspaceId, args.idempotencyKey);
    if (raced) return { ok: true, run: raced };
    throw error;
  }
}

function countNodes(graph: unknown): number {
  const nodes = (graph as { nodes?: unknown[] } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.length : 0;
}

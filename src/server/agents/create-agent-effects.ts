import { type AgentEffects, ExpressionError, isNodeExecutionError, type RunScope } from "@/engine";
import { getEnv } from "@/lib/env";
import { withRequestContext } from "@/lib/request-context";
import { type Database, getDb } from "../db/client";
import type { RunEvent } from "../db/schema";
import { NodeStepError } from "../runs/execute-node-step";
import { resolveOutputRefs } from "../runs/output-refs";
import { failWaitStep } from "../runs/wait-node-steps";
import { callAgentTool } from "./call-agent-tool";
import { createAgentModel } from "./create-agent-model";
import { finishAgent } from "./finish-agent";
import { runAgentTurn } from "./run-agent-turn";
import { startAgent } from "./start-agent";
import { requestToolApproval } from "./tool-approvals";
import { startToolRun } from "./tool-runs";

/**
 * The database and network side of agent nodes for one attempt of one run, as the engine's agent loop
 * calls it inside its durable steps. A failure no retry can fix (bad config, a template error, a
 * missing credential) fails the node for good; anything else is retried by the step.
 */
export function createAgentEffects(ctx: {
  runId: string;
  workspaceId: string;
  attempt: number;
  publish: (events: RunEvent[]) => void;
  asStepError: (error: unknown) => unknown;
}): AgentEffects {
  const { runId, workspaceId, attempt, publish } = ctx;
  const ref = (nodeId: string) => ({ runId, workspaceId, nodeId, attempt, publish });
  const guarded = <T>(nodeId: string, work: (db: Database) => Promise<T>): Promise<T> =>
    withRequestContext({ nodeId }, async () => {
      const db = await getDb();
      try {
        return await work(db);
      } catch (error) {
        throw ctx.asStepError(await asNodeStepError(db, ref(nodeId), error));
      }
    });
  // Large upstream outputs travel as references; prompts and tool templates see the data itself, and
  // the app's own origin (`app.url`) as every executing node does.
  const resolved = async (db: Database, scope: RunScope): Promise<RunScope> => ({
    ...scope,
    nodes: await resolveOutputRefs(db, workspaceId, scope.nodes),
    app: { url: getEnv().APP_URL.replace(/\/$/, "") },
  });
  return {
    start: (node, scope) =>
      guarded(node.id, async (db) =>
        startAgent(db, { ...ref(node.id), node, scope: await resolved(db, scope) }),
      ),
    turn: (node, turn) =>
      guarded(node.id, (db) =>
        runAgentTurn(db, { ...ref(node.id), model: createAgentModel(db, { workspaceId }), turn }),
      ),
    startToolRun: (node, invocation) =>
      guarded(node.id, (db) => startToolRun(db, { ...ref(node.id), node, invocation })),
    requestToolApproval: (node, invocation) =>
      guarded(node.id, (db) => requestToolApproval(db, { ...ref(node.id), node, invocation })),
    callTool: (node, invocation, scope) =>
      guarded(node.id, async (db) =>
        callAgentTool(db, { ...ref(node.id), node, invocation, scope: await resolved(db, scope) }),
      ),
    finish: (node, outcome) => guarded(node.id, (db) => finishAgent(db, { ...ref(node.id), outcome })),
  };
}

/** Classifies a failure for the durable runner, recording a final one on the node's step row. */
async function asNodeStepError(
  db: Database,
  ref: {
    runId: string;
    workspaceId: string;
    nodeId: string;
    attempt: number;
    publish: (events: RunEvent[]) => void;
  },
  error: unknown,
): Promise<unknown> {
  if (error instanceof NodeStepError) return error;
  const final =
    error instanceof ExpressionError
      ? { message: error.message, code: "expression_error" }
      : isNodeExecutionError(error) && !error.retriable
        ? { message: error.message, code: error.code }
        : undefined;
  if (final !== undefined) return failWaitStep(db, ref, final, ref.publish);
  if (isNodeExecutionError(error)) {
    return new NodeStepError(error.message, ref.nodeId, true, error.code, error.retryAfterMs);
  }
  return error;
}

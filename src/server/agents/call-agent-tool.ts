import {
  type AgentConfig,
  AgentConfigSchema,
  type AgentToolInvocation,
  type AgentToolResult,
  executeNode,
  isNodeExecutionError,
  NodeExecutionError,
  type RunScope,
  type WorkflowNode,
  type WorkflowNodeOf,
} from "@/engine";
import { logger } from "@/lib/logger";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { nodeFetch } from "../egress/node-fetch";
import type { WaitStepRef } from "../runs/wait-node-steps";
import { createSqlClient } from "../sql/create-sql-client";
import { appendAgentEvents, findAgentEvent, preview } from "./append-agent-events";
import { callMcpTool } from "./mcp-client";
import { readToolApproval } from "./tool-approvals";
import { readToolRun } from "./tool-runs";

/** Largest tool output handed back to the model (and kept in the transcript) as it is. */
const MAX_TOOL_OUTPUT_CHARS = 32 * 1024;

/**
 * One tool call of an agent (`agent:<nodeId>:tool:<n>:<callId>`): `agent.tool_call`, then the tool
 * (unless the call was malformed or a person denied it), then `agent.tool_result`. A tool that fails
 * for good (a 4xx, a refused statement) answers the model with the error, which it can act on; a
 * failure worth retrying (a 5xx, a timeout) throws, so the step is retried with the same idempotency
 * key, and fails the node once its retries are spent. A call whose result is already recorded (its
 * step ran, but the engine lost the result in a crash) returns that result and is not made again.
 */
export async function callAgentTool(
  db: Database,
  args: WaitStepRef & {
    node: WorkflowNodeOf<"agent">;
    invocation: AgentToolInvocation;
    scope: RunScope;
    publish: (events: RunEvent[]) => void;
  },
): Promise<AgentToolResult> {
  const { node, invocation, scope, publish, ...ref } = args;
  const { call, turn } = invocation;
  const callKey = `agent-tool-call:${invocation.stepId}`;
  const resultKey = `agent-tool-result:${invocation.stepId}`;
  const recorded = await findAgentEvent(db, ref.runId, resultKey);
  if (recorded !== undefined) return resultOf(recorded);
  const claimed = await appendAgentEvents(
    db,
    ref,
    [
      {
        type: "agent.tool_call",
        nodeId: ref.nodeId,
        data: {
          turn,
          callId: call.callId,
          toolName: call.toolName,
          args: preview(call.args),
          attempt: ref.attempt,
          ...(invocation.problem !== undefined && { refused: invocation.problem }),
        },
        dedupeKey: callKey,
      },
    ],
    publish,
  );
  if (claimed.length === 0) {
    // Another execution of this same attempt claimed the call and has not finished it: it is in
    // flight there (an engine can re-drive a step while its first request still runs). A later
    // attempt, or this one retried, finds its result, or makes the call if that execution died.
    const claim = await findAgentEvent(db, ref.runId, callKey);
    if (claim?.attempt === ref.attempt) {
      throw new NodeExecutionError(`Tool call ${call.callId} is running in another execution`, {
        code: "tool_call_in_flight",
        retriable: true,
        retryAfterMs: 1_000,
      });
    }
  }

  const outcome = await runTool(db, { ref, node, invocation, scope, publish });
  const result: AgentToolResult = {
    callId: call.callId,
    toolName: call.toolName,
    output: bounded(outcome.output),
    isError: outcome.isError,
  };
  await appendAgentEvents(
    db,
    ref,
    [
      {
        type: "agent.tool_result",
        nodeId: ref.nodeId,
        // The whole (bounded) output: the run view shows it, and a re-driven step returns it.
        data: {
          turn,
          callId: call.callId,
          toolName: call.toolName,
          isError: result.isError,
          output: result.output,
        },
        dedupeKey: resultKey,
      },
    ],
    publish,
  );
  return result;
}

async function runTool(
  db: Database,
  args: {
    ref: WaitStepRef;
    node: WorkflowNodeOf<"agent">;
    invocation: AgentToolInvocation;
    scope: RunScope;
    publish: (events: RunEvent[]) => void;
  },
): Promise<{ output: unknown; isError: boolean }> {
  const { ref, node, invocation, scope } = args;
  if (invocation.problem !== undefined) return { output: invocation.problem, isError: true };
  if (invocation.approval !== undefined) {
    const decision = await readToolApproval(db, {
      ...ref,
      approvalId: invocation.approval.approvalId,
      publish: args.publish,
    });
    if (decision.decision !== "approved") {
      const by = decision.by ? ` by ${decision.by}` : "";
      const why = decision.comment ? `: ${decision.comment}` : "";
      const what = decision.decision === "timeout" ? "was not approved in time" : `was denied${by}${why}`;
      return {
        output: `This call of "${invocation.call.toolName}" ${what}. Do not retry it.`,
        isError: true,
      };
    }
  }
  const config: AgentConfig = AgentConfigSchema.parse(node.data.config);
  const args_ = invocation.call.args as Record<string, unknown>;
  const tool = config.tools.find((candidate) =>
    candidate.kind === "mcp"
      ? candidate.tools.includes(invocation.call.toolName)
      : candidate.name === invocation.call.toolName,
  );
  if (tool === undefined) return { output: `Unknown tool "${invocation.call.toolName}".`, isError: true };
  if (tool.kind === "workflow") return readToolRun(db, ref, invocation);
  try {
    if (tool.kind === "mcp") {
      return await callMcpTool({ db, workspaceId: ref.workspaceId }, tool, {
        name: invocation.call.toolName,
        args: args_,
      });
    }
    // The http and sql node executors, guards included, on a node named after this step: the step's
    // idempotency key is the one they send, and their templates see the call's arguments as `args`.
    const toolNode = {
      id: invocation.stepId,
      type: tool.kind,
      position: { x: 0, y: 0 },
      data: { config: tool.kind === "http" ? tool.request : tool.query },
    } as WorkflowNode;
    const output = await executeNode({
      node: toolNode,
      scope: { ...scope, args: args_ } as RunScope,
      runId: ref.runId,
      attempt: ref.attempt,
      deps: {
        fetch: nodeFetch(),
        now: () => new Date(),
        sql: createSqlClient(db, { workspaceId: ref.workspaceId }),
        log: (entry) =>
          logger.info({ runId: ref.runId, nodeId: ref.nodeId, nodeLevel: entry.level }, entry.message),
      },
    });
    return { output, isError: false };
  } catch (thrown) {
    if (isNodeExecutionError(thrown) && !thrown.retriable) return { output: thrown.message, isError: true };
    throw thrown;
  }
}

function resultOf(data: Record<string, unknown>): AgentToolResult {
  return {
    callId: String(data.callId),
    toolName: String(data.toolName),
    output: data.output ?? null,
    isError: data.isError === true,
  };
}

function bounded(output: unknown): unknown {
  const json = JSON.stringify(output ?? null);
  if (json.length <= MAX_TOOL_OUTPUT_CHARS) return output ?? null;
  return `${json.slice(0, MAX_TOOL_OUTPUT_CHARS)}… (truncated: the tool returned ${json.length} characters)`;
}

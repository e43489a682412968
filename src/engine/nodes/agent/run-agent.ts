import type { RunScope } from "../../expressions/run-scope";
import type { WorkflowNodeOf } from "../../graph/schema";
import { type StepRunner, stepIdFor } from "../../run/step-runner";
import type { OrchestrationContext } from "../node-definition";
import { NodeExecutionError } from "../node-execution-error";
import { type AgentConfig, AgentConfigSchema, type AgentLimitName, FINAL_ANSWER_TOOL } from "./agent-config";
import type {
  AgentEffects,
  AgentOutcome,
  AgentOutput,
  AgentSetup,
  AgentToolInvocation,
  AgentTurnRecord,
} from "./agent-effects";
import type { AgentMessage, AgentToolCall, AgentToolResult, AgentToolSpec } from "./agent-model";
import {
  agentApprovalRequestIdFor,
  agentApprovalWaitIdFor,
  agentStartIdFor,
  agentSubrunIdFor,
  agentSubrunStartIdFor,
  agentToolIdFor,
  agentTurnIdFor,
} from "./agent-steps";
import { checkToolCall } from "./check-tool-call";

type AgentNode = WorkflowNodeOf<"agent">;

/**
 * The agent loop over durable steps: `agent:<id>:start` → per turn n `agent:<id>:turn:<n>` (one model
 * call) → one `agent:<id>:tool:<n>:<callId>` per tool call the turn asked for (in parallel when there
 * are several; behind `approval-request`/`approval` steps when the tool needs a person's approval) →
 * the next turn, until the model answers or a limit is reached → `node:<id>` records the outcome.
 *
 * Everything between steps is pure and computed from memoized step results, so a replay after a
 * crash takes the same path and never repeats a finished turn or tool call.
 */
export async function runAgentNode(node: AgentNode, ctx: OrchestrationContext): Promise<unknown> {
  const fx = ctx.effects?.agent;
  if (fx === undefined) {
    throw new NodeExecutionError(`Node "${node.id}": this runner cannot run agent nodes`, {
      code: "not_executable",
      retriable: false,
    });
  }
  // Stored graphs were validated on save; parsing restores defaults (a bad stored config fails here).
  const config = AgentConfigSchema.parse(node.data.config);
  const { runner } = ctx;
  const setup = await runner.run(agentStartIdFor(node.id), () => fx.start(node, ctx.scope()));
  const outcome = await loop({ node, config, setup, runner, fx, scope: ctx.scope });
  return runner.run(stepIdFor(node.id), () => fx.finish(node, outcome));
}

type LoopArgs = {
  node: AgentNode;
  config: AgentConfig;
  setup: AgentSetup;
  runner: StepRunner;
  fx: AgentEffects;
  scope: () => RunScope;
};

async function loop({ node, config, setup, runner, fx, scope }: LoopArgs): Promise<AgentOutcome> {
  const { limits } = config;
  const tools: AgentToolSpec[] = [
    ...setup.tools,
    ...(config.jsonSchema === undefined ? [] : [finalAnswerTool(config.jsonSchema)]),
  ];
  const transcript: AgentMessage[] = [{ role: "user", text: setup.task }];
  const out: AgentOutput = {
    stopReason: "answer",
    turns: [],
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: null,
    toolCalls: 0,
    transcript,
  };
  let lastAt = setup.startedAt;
  const limited = (limit: AgentLimitName, detail: string): AgentOutcome => {
    const last = [...transcript].reverse().find((m) => m.role === "assistant");
    const output: AgentOutput = { ...out, stopReason: "limit", limit, text: last?.text ?? "" };
    if (config.onLimit === "finish") return { ok: true, output };
    const message = `The agent reached its limit ${limit} (${detail})`;
    return { ok: false, output, error: { code: "agent_limit", message, limit } };
  };

  for (let n = 1; ; n += 1) {
    if (n > limits.maxTurns) return limited("maxTurns", `${limits.maxTurns} turns`);
    if (Date.parse(lastAt) - Date.parse(setup.startedAt) >= limits.timeoutMs) {
      return limited("timeoutMs", `${limits.timeoutMs} ms`);
    }
    const stepId = agentTurnIdFor(node.id, n);
    const turn: AgentTurnRecord = await runner.run(stepId, () =>
      fx.turn(node, {
        n,
        stepId,
        request: {
          provider: config.provider,
          model: setup.model,
          ...(config.credential !== undefined && { credential: config.credential }),
          ...(setup.system !== undefined && { system: setup.system }),
          ...(config.temperature !== undefined && { temperature: config.temperature }),
          messages: transcript,
          tools,
          timeoutMs: config.turnTimeoutMs,
        },
      }),
    );
    lastAt = turn.at;
    const calls = distinctCallIds(turn.toolCalls);
    transcript.push({ role: "assistant", text: turn.text, toolCalls: calls });
    account(out, n, turn, calls.length);

    if (limits.maxTokens !== undefined && out.usage.inputTokens + out.usage.outputTokens > limits.maxTokens) {
      return limited("maxTokens", `${limits.maxTokens} tokens`);
    }
    if (limits.maxCostUsd !== undefined && (out.costUsd ?? 0) > limits.maxCostUsd) {
      return limited("maxCostUsd", `$${limits.maxCostUsd}`);
    }

    if (calls.length === 0) {
      if (config.jsonSchema === undefined) return { ok: true, output: { ...out, text: turn.text } };
      // A model that answers in text despite the schema may still have written the object.
      const object = parseJson(turn.text);
      if (
        object !== undefined &&
        checkToolCall({ callId: "", toolName: FINAL_ANSWER_TOOL, args: object }, tools) === null
      ) {
        return { ok: true, output: { ...out, object } };
      }
      transcript.push({
        role: "user",
        text: `Hand in your final answer by calling the ${FINAL_ANSWER_TOOL} tool with arguments matching its schema.`,
      });
      continue;
    }

    const final = calls.find((call) => call.toolName === FINAL_ANSWER_TOOL);
    if (final !== undefined && config.jsonSchema !== undefined && checkToolCall(final, tools) === null) {
      return { ok: true, output: { ...out, object: final.args } };
    }
    // No turn is left to read the results: do not make calls nobody will see.
    if (n >= limits.maxTurns) return limited("maxTurns", `${limits.maxTurns} turns`);
    if (out.toolCalls + calls.length > limits.maxToolCalls) {
      return limited("maxToolCalls", `${limits.maxToolCalls} tool calls`);
    }
    out.toolCalls += calls.length;
    // Parallel calls of one turn are parallel branches of steps (Inngest's race mode); one call is not.
    const steps = calls.length > 1 ? (runner.concurrent ?? runner) : runner;
    const results = await Promise.all(
      calls.map((call) => runToolCall({ node, setup, tools, runner: steps, fx, scope, turn: n, call })),
    );
    transcript.push({ role: "tool", results });
  }
}

/** One tool call: checked, approved when the tool needs it, then run in its own step. */
async function runToolCall(args: {
  node: AgentNode;
  setup: AgentSetup;
  tools: readonly AgentToolSpec[];
  runner: StepRunner;
  fx: AgentEffects;
  scope: () => RunScope;
  turn: number;
  call: AgentToolCall;
}): Promise<AgentToolResult> {
  const { node, setup, runner, fx, turn, call } = args;
  const stepId = agentToolIdFor(node.id, turn, call.callId);
  const problem =
    call.toolName === FINAL_ANSWER_TOOL && !args.tools.some((tool) => tool.name === FINAL_ANSWER_TOOL)
      ? `Unknown tool "${call.toolName}".`
      : checkToolCall(call, args.tools);
  const invocation: AgentToolInvocation = { stepId, turn, call, ...(problem !== null && { problem }) };
  const descriptor = setup.tools.find((tool) => tool.name === call.toolName);
  if (problem === null && descriptor?.requiresApproval) {
    const ticket = await runner.run(agentApprovalRequestIdFor(node.id, turn, call.callId), () =>
      fx.requestToolApproval(node, invocation),
    );
    // The tool step reads the stored decision; the event only says when to read it.
    if (!ticket.decided) {
      await runner.waitForEvent(agentApprovalWaitIdFor(node.id, turn, call.callId), ticket.decision);
    }
    invocation.approval = ticket;
  }
  if (problem === null && descriptor?.runsWorkflow) invocation.child = await runChild(args, invocation);
  return runner.run(stepId, () => fx.callTool(node, invocation, args.scope()));
}

/** A workflow tool's child run: created in its own step, then executed to its end (Inngest invoke). */
async function runChild(
  args: { node: AgentNode; runner: StepRunner; fx: AgentEffects; turn: number; call: AgentToolCall },
  invocation: AgentToolInvocation,
): Promise<NonNullable<AgentToolInvocation["child"]>> {
  const { node, runner, fx, turn, call } = args;
  // A call a person denied never starts a child: the start step reads the decision and says so.
  const started = await runner.run(agentSubrunStartIdFor(node.id, turn, call.callId), () =>
    fx.startToolRun(node, invocation),
  );
  if ("problem" in started) return { problem: started.problem };
  try {
    await runner.invoke(agentSubrunIdFor(node.id, turn, call.callId), started);
  } catch {
    // The child's function failed outright; the tool step reads the child run row and says why.
  }
  return { run: started };
}

function finalAnswerTool(jsonSchema: Record<string, unknown>): AgentToolSpec {
  return {
    name: FINAL_ANSWER_TOOL,
    description: "Hand in your final answer. Call this once you are done; its arguments are the answer.",
    inputSchema: jsonSchema,
  };
}

/** Providers may repeat or omit call ids; step ids and tool results need one id per call. */
function distinctCallIds(calls: readonly AgentToolCall[]): AgentToolCall[] {
  const seen = new Set<string>();
  return calls.map((call, index) => {
    let callId = /^[A-Za-z0-9_.-]{1,64}$/.test(call.callId) ? call.callId : `call-${index + 1}`;
    if (seen.has(callId)) callId = `${callId}-${index + 1}`;
    seen.add(callId);
    return { ...call, callId };
  });
}

function account(out: AgentOutput, n: number, turn: AgentTurnRecord, toolCalls: number): void {
  out.turns.push({
    n,
    model: turn.model,
    inputTokens: turn.usage.inputTokens,
    outputTokens: turn.usage.outputTokens,
    costUsd: turn.costUsd,
    toolCalls,
  });
  out.usage.inputTokens += turn.usage.inputTokens ?? 0;
  out.usage.outputTokens += turn.usage.outputTokens ?? 0;
  if (turn.costUsd !== null) out.costUsd = Math.round(((out.costUsd ?? 0) + turn.costUsd) * 1e8) / 1e8;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return undefined;
  }
}

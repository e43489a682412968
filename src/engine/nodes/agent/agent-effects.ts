import type { RunScope } from "../../expressions/run-scope";
import type { WorkflowNodeOf } from "../../graph/schema";
import type { ApprovalTicket } from "../../run/run-wait-nodes";
import type { ChildRunRef } from "../../run/step-runner";
import type { AgentLimitName } from "./agent-config";
import type {
  AgentMessage,
  AgentToolCall,
  AgentToolResult,
  AgentToolSpec,
  AgentTurnRequest,
  AgentTurnResult,
} from "./agent-model";

type AgentNode = WorkflowNodeOf<"agent">;

/**
 * What an agent node's durable steps do, supplied by the server: each method runs inside the step the
 * loop names, so its result is memoized and a resumed run replays it instead of doing it again.
 */
export type AgentEffects = {
  /** Inside `agent:<id>:start`: the step row → running, the prompts rendered, MCP tool lists read. */
  start(node: AgentNode, scope: RunScope): Promise<AgentSetup>;
  /** Inside `agent:<id>:turn:<n>`: one model call, recorded as an `agent.turn` event. */
  turn(
    node: AgentNode,
    turn: { n: number; stepId: string; request: AgentTurnRequest },
  ): Promise<AgentTurnRecord>;
  /**
   * Inside `agent:<id>:subrun-start:<n>:<callId>`: create the child run of a workflow tool (queued),
   * or say why it cannot run (no such workflow, arguments the child's input schema refuses).
   */
  startToolRun(node: AgentNode, call: AgentToolInvocation): Promise<ChildRunRef | { problem: string }>;
  /** Inside `agent:<id>:approval-request:<n>:<callId>`: store a pending approval of one tool call. */
  requestToolApproval(node: AgentNode, call: AgentToolInvocation): Promise<ApprovalTicket>;
  /**
   * Inside `agent:<id>:tool:<n>:<callId>`: runs the call (or, with `problem` or a denied approval,
   * only records why it did not run), recorded as `agent.tool_call` and `agent.tool_result` events.
   * Tool templates see `scope` (the node's) plus the call's arguments as `args`.
   */
  callTool(node: AgentNode, call: AgentToolInvocation, scope: RunScope): Promise<AgentToolResult>;
  /** Inside `node:<id>`: record the node's output, or its failure (and throw). */
  finish(node: AgentNode, outcome: AgentOutcome): Promise<unknown>;
};

/** What the start step fixed for the rest of the run (memoized: a resumed run sees the same tools). */
export type AgentSetup = {
  system?: string;
  task: string;
  /** The model id with its template rendered. */
  model: string;
  tools: AgentToolDescriptor[];
  /** ISO time the agent started: the wall-clock limit counts from here. */
  startedAt: string;
};

export type AgentToolDescriptor = AgentToolSpec & {
  requiresApproval: boolean;
  /** A workflow tool: its call runs as a child run the loop invokes. */
  runsWorkflow?: boolean;
};

/** A model turn as its step returns it. */
export type AgentTurnRecord = AgentTurnResult & {
  costUsd: number | null;
  /** ISO time the turn ended, from inside the step, so replays see the same clock. */
  at: string;
};

/** One tool call as the loop hands it to its step. */
export type AgentToolInvocation = {
  stepId: string;
  turn: number;
  call: AgentToolCall;
  /** Why the call cannot run (unknown tool, arguments failing the schema): sent back to the model. */
  problem?: string;
  /** For tools that need approval: the stored request; the step reads the decision. */
  approval?: ApprovalTicket;
  /** For workflow tools: the child run (already executed), or why it did not run or failed. */
  child?: { run?: ChildRunRef; problem?: string };
};

/** Per-turn accounting kept in the output. */
export type AgentTurnSummary = {
  n: number;
  model: string;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  toolCalls: number;
};

/** The agent node's output. */
export type AgentOutput = {
  /** The final answer: text, or with `jsonSchema` the object handed to `final_answer`. */
  text?: string;
  object?: unknown;
  stopReason: "answer" | "limit";
  limit?: AgentLimitName;
  turns: AgentTurnSummary[];
  usage: { inputTokens: number; outputTokens: number };
  /** Sum of the turns' estimates; null when no turn's model has a known price. */
  costUsd: number | null;
  toolCalls: number;
  /** The task and everything said after it (the system prompt is in the config). */
  transcript: AgentMessage[];
};

export type AgentOutcome =
  | { ok: true; output: AgentOutput }
  | {
      ok: false;
      output: AgentOutput;
      error: { code: "agent_limit"; message: string; limit: AgentLimitName };
    };

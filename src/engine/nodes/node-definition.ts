import type { RunScope } from "../expressions/run-scope";
import type { WorkflowNode, WorkflowNodeOf } from "../graph/schema";
import type { NodeEffects } from "../run/run-wait-nodes";
import type { StepRunner } from "../run/step-runner";
import type { NodeCatalogEntry } from "./catalog/node-catalog-entry";
import type { NodeConfigMap } from "./configs";
import type { LlmClient, LlmUsage } from "./llm/llm-client";
import type { NodeType } from "./node-types";
import type { SqlClient } from "./sql/sql-client";

/** The side effects an executor may use; the caller decides what they are (real fetch, test doubles). */
export type NodeDeps = {
  fetch: typeof fetch;
  log: (entry: { level: "debug" | "info" | "warn" | "error"; message: string; data?: unknown }) => void;
  now: () => Date;
  /** Model calls for llm and vision nodes; absent where no provider is wired (those nodes then fail). */
  llm?: LlmClient;
  /** Where a node reports model usage so the runner can store it with the step (tokens, cost). */
  reportUsage?: (usage: NodeUsage) => void;
  /** Database access for sql nodes; absent where none is wired (those nodes then fail). */
  sql?: SqlClient;
};

/** Model usage of one node attempt. */
export type NodeUsage = LlmUsage & { model: string; costUsd: number | null };

/** Everything an executor sees for one attempt of one node. */
export type NodeContext = {
  node: WorkflowNode;
  scope: RunScope;
  deps: NodeDeps;
  runId: string;
  attempt: number;
};

/**
 * How a node's side effects must be treated by the runner: "none" is pure and cheap to replay,
 * "external" talks to the outside world, "timer" waits (the orchestrator sleeps before running it).
 */
export type SideEffectClass = "none" | "external" | "timer";

/**
 * One node type: its catalog entry (title, config schema, defaults, handles — shared with the editor),
 * its side-effect class and its executor.
 */
export type NodeDefinition<T extends NodeType> = NodeCatalogEntry<T> & {
  sideEffect: SideEffectClass;
  /** Receives the parsed config; returns JSON-serializable output or throws NodeExecutionError. */
  execute: (config: NodeConfigMap[T], ctx: NodeContext) => Promise<unknown>;
  /**
   * For nodes that wait on something outside the run (a timer, a person, a child run): the durable
   * steps the orchestrator issues for the node, in order, ending in the node's output. Absent: one
   * `node:<id>` step that executes the node (`runStep`).
   */
  orchestrate?: (node: WorkflowNodeOf<T>, ctx: OrchestrationContext) => Promise<unknown>;
};

/** What {@link NodeDefinition.orchestrate} works with. */
export type OrchestrationContext = {
  runner: StepRunner;
  /** The node's scope: the run input and its completed ancestors' outputs. */
  scope: () => RunScope;
  /** The node's own `node:<id>` step, executing it over its scope. */
  runStep: () => Promise<unknown>;
  /** What wait nodes write around their waits; such a node fails clearly without it. */
  effects: NodeEffects | undefined;
};

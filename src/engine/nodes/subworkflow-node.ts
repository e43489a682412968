import type { RunScope } from "../expressions/run-scope";
import { runSubworkflowNode } from "../run/run-wait-nodes";
import { SUBWORKFLOW_NODE } from "./catalog/subworkflow";
import type { NodeDefinition } from "./node-definition";
import { NodeExecutionError } from "./node-execution-error";
import { evaluateField } from "./shared";

/**
 * subworkflow: runs another workflow as a child run → the child's output. The child run is created
 * and awaited by `orchestrate` (run-wait-nodes.ts), which never calls this executor; it exists so the registry stays exhaustive and a misrouted call fails clearly.
 */
export const subworkflowNode: NodeDefinition<"subworkflow"> = {
  ...SUBWORKFLOW_NODE,
  sideEffect: "external",
  execute: async () => {
    throw new NodeExecutionError("Sub-workflow nodes are run by the orchestrator, not executed directly", {
      code: "not_executable",
      retriable: false,
    });
  },
  orchestrate: (node, ctx) => runSubworkflowNode(node, ctx),
};

/**
 * The child run's input: the `input` expression's value over the parent's scope, which must be an
 * object (a run's input always is); `{}` without an expression.
 *
 * @throws {NodeExecutionError} non-retriable, naming `config.input`, when it fails or is no object.
 */
export async function subworkflowInputOf(
  config: { input?: string | undefined },
  scope: RunScope,
): Promise<Record<string, unknown>> {
  if (config.input === undefined || config.input.trim() === "") return {};
  const value = await evaluateField("input", config.input, scope);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new NodeExecutionError(
      `config.input: must produce an object (the child run's input), got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
      { code: "invalid_input", retriable: false },
    );
  }
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

import type { NodeContext } from "./node-definition";
import { isNodeExecutionError, NodeExecutionError } from "./node-execution-error";
import { isNodeType, type NodeType } from "./node-types";
import { nodeRegistry } from "./registry";
import { toJsonOutput } from "./shared";

/**
 * Runs one node: looks up its definition, parses its config (stored graphs are re-checked, never
 * trusted), runs the executor and returns JSON-safe output.
 *
 * @throws {NodeExecutionError} always this class: unexpected errors are wrapped as retriable
 *   "unexpected_error" so a bug in one attempt does not lose the whole run.
 */
export async function executeNode(ctx: NodeContext): Promise<unknown> {
  const type: string = ctx.node.type;
  if (!isNodeType(type)) {
    throw new NodeExecutionError(`Node "${ctx.node.id}": unknown type "${type}"`, {
      code: "unknown_type",
      retriable: false,
    });
  }
  try {
    return toJsonOutput(await executeAs(type, ctx));
  } catch (thrown) {
    if (isNodeExecutionError(thrown)) throw thrown;
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new NodeExecutionError(`Node "${ctx.node.id}" failed: ${reason}`, {
      code: "unexpected_error",
      retriable: true,
      cause: thrown,
    });
  }
}

/** Generic over the type so the parsed config and the executor's parameter are the same `NodeConfigMap[T]`. */
async function executeAs<T extends NodeType>(type: T, ctx: NodeContext): Promise<unknown> {
  const definition = nodeRegistry[type];
  const parsed = definition.configSchema.safeParse(ctx.node.data.config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String),
      message: issue.message,
    }));
    const first = issues[0];
    const where = ["config", ...(first?.path ?? [])].join(".");
    throw new NodeExecutionError(`Node "${ctx.node.id}": ${where}: ${first?.message ?? "invalid config"}`, {
      code: "invalid_config",
      retriable: false,
      details: { issues },
    });
  }
  return definition.execute(parsed.data, ctx);
}

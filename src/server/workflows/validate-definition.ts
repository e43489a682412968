import { validateGraph, type WorkflowGraph } from "@/engine";
import { AppError, type ErrorIssue } from "@/lib/errors";
import { compileInputSchema } from "./input-schema";

/**
 * Checks a graph (and optional input schema) before anything is written. Every
 * problem is reported with the node and field it concerns.
 */
export function validateDefinition(
  graph: unknown,
  inputSchema: Record<string, unknown> | null | undefined,
): WorkflowGraph {
  const result = validateGraph(graph);
  const issues: ErrorIssue[] = [];
  if (!result.ok) {
    for (const issue of result.issues) {
      issues.push({
        path: ["body", "graph", ...issue.path],
        message: issue.message,
        code: issue.code,
        nodeId: issue.nodeId,
        edgeId: issue.edgeId,
        field: issue.field,
      });
    }
  }
  if (inputSchema) {
    try {
      compileInputSchema(inputSchema);
    } catch (error) {
      issues.push({
        path: ["body", "inputSchema"],
        message: `inputSchema is not a usable JSON Schema: ${(error as Error).message}`,
        code: "invalid_input_schema",
      });
    }
  }
  if (!result.ok || issues.length > 0) {
    const first = issues[0];
    throw new AppError(
      "invalid_graph",
      first ? `Invalid workflow: ${first.message}` : "Invalid workflow",
      issues,
    );
  }
  return result.graph;
}

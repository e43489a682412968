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
        ...(issue.cyclePath && { cyclePath: issue.cyclePath }),
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
    // A sound graph with a bad input schema is a plain validation failure, not a graph problem.
    const code = result.ok ? "validation_failed" : "invalid_graph";
    throw new AppError(code, first ? `Invalid workflow: ${first.message}` : "Invalid workflow", issues);
  }
  return result.graph;
}

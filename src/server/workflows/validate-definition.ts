import { validateGraph, type WorkflowGraph } from "@/engine";
import { AppError, type ErrorIssue } from "@/lib/errors";
import { compileInputSchema } from "./input-schema";

export type DefinitionCheck = { graph: WorkflowGraph | null; issues: ErrorIssue[] };

/**
 * Every problem of a graph (and optional input schema), each naming the node and field it concerns.
 * Saves refuse a definition with issues; drafts store it and show them.
 */
export function checkDefinition(
  graph: unknown,
  inputSchema: Record<string, unknown> | null | undefined,
): DefinitionCheck {
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
  return { graph: result.ok ? result.graph : null, issues };
}

/** Checks a definition before anything is written; throws with every issue when there is one. */
export function validateDefinition(
  graph: unknown,
  inputSchema: Record<string, unknown> | null | undefined,
): WorkflowGraph {
  const checked = checkDefinition(graph, inputSchema);
  if (checked.graph && checked.issues.length === 0) return checked.graph;
  const first = checked.issues[0];
  // A sound graph with a bad input schema is a plain validation failure, not a graph problem.
  const code = checked.graph ? "validation_failed" : "invalid_graph";
  throw new AppError(code, first ? `Invalid workflow: ${first.message}` : "Invalid workflow", checked.issues);
}

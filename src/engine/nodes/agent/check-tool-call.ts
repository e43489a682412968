import { compileJsonSchema } from "../llm/llm-config";
import type { AgentToolCall, AgentToolSpec } from "./agent-model";

/**
 * Why a tool call cannot run, or null when it can: an unknown tool, arguments that are not a JSON
 * object, or arguments failing the tool's schema. The answer goes back to the model as the call's
 * error result, so it can correct itself; a model's slip never fails the run.
 */
export function checkToolCall(call: AgentToolCall, tools: readonly AgentToolSpec[]): string | null {
  const tool = tools.find((candidate) => candidate.name === call.toolName);
  if (tool === undefined) {
    const names = tools.map((candidate) => candidate.name).join(", ");
    return `Unknown tool "${call.toolName}". Available tools: ${names || "none"}.`;
  }
  if (typeof call.args !== "object" || call.args === null || Array.isArray(call.args)) {
    return `The arguments of "${call.toolName}" must be a JSON object matching its input schema.`;
  }
  const schema = compileJsonSchema(tool.inputSchema).schema;
  if (schema === undefined) return null; // checked at save time; a server's schema we cannot read is its call
  const parsed = schema.safeParse(call.args);
  if (parsed.success) return null;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
    );
  return `Invalid arguments for "${call.toolName}": ${issues.join("; ")}`;
}

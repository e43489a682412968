/** Every node type the engine can run. Adding one means adding its config schema and registry entry. */
export const NODE_TYPES = [
  "text",
  "transform",
  "condition",
  "delay",
  "http",
  "debug",
  "approval",
  "subworkflow",
  "llm",
  "vision",
  "sql",
  "agent",
] as const;

/** A node type: the `type` of a workflow node. */
export type NodeType = (typeof NODE_TYPES)[number];

/** Narrows an arbitrary string to a known node type. */
export function isNodeType(value: string): value is NodeType {
  return (NODE_TYPES as readonly string[]).includes(value);
}

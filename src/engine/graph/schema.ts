import { z } from "zod";
import { NODE_CONFIG_SCHEMAS } from "../nodes/configs";
import { NODE_TYPES, type NodeType } from "../nodes/node-types";
import { NodeSettingsSchema } from "./node-settings";

/**
 * Hard limits on a graph. They keep validation, planning and the persisted version small enough for a
 * single database row and an Inngest event payload.
 */
export const GRAPH_LIMITS = { maxNodes: 200, maxEdges: 1000, maxBytes: 256 * 1024 } as const;

/** Node ids end up in step ids ("node:<id>") and expressions (`nodes.<id>`), hence the narrow alphabet. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

export const NodeIdSchema = z
  .string()
  .min(1, "Node id is required")
  .max(64, "Node id must be at most 64 characters")
  .regex(NODE_ID_PATTERN, { error: "Node id may only contain letters, digits, _ and -" });

export const PositionSchema = z
  .object({ x: z.number().finite(), y: z.number().finite() })
  .default({ x: 0, y: 0 });

/** `data` keeps any extra keys the editor stores (colours, notes); only `label` and `config` are ours. */
function nodeSchemaFor<T extends NodeType, C extends z.ZodType>(type: T, config: C) {
  return z.object({
    id: NodeIdSchema,
    type: z.literal(type),
    position: PositionSchema,
    data: z.looseObject({
      label: z.string().max(200).optional(),
      config,
      settings: NodeSettingsSchema.optional(),
    }),
  });
}

/**
 * A node as the xyflow editor stores it. Discriminated by `type`, so `node.data.config` is typed per
 * node type. Unknown top-level xyflow keys (width, selected, …) are stripped.
 */
export const WorkflowNodeSchema = z.discriminatedUnion("type", [
  nodeSchemaFor("text", NODE_CONFIG_SCHEMAS.text),
  nodeSchemaFor("transform", NODE_CONFIG_SCHEMAS.transform),
  nodeSchemaFor("condition", NODE_CONFIG_SCHEMAS.condition),
  nodeSchemaFor("delay", NODE_CONFIG_SCHEMAS.delay),
  nodeSchemaFor("http", NODE_CONFIG_SCHEMAS.http),
  nodeSchemaFor("debug", NODE_CONFIG_SCHEMAS.debug),
  nodeSchemaFor("approval", NODE_CONFIG_SCHEMAS.approval),
  nodeSchemaFor("subworkflow", NODE_CONFIG_SCHEMAS.subworkflow),
  nodeSchemaFor("llm", NODE_CONFIG_SCHEMAS.llm),
  nodeSchemaFor("vision", NODE_CONFIG_SCHEMAS.vision),
  nodeSchemaFor("sql", NODE_CONFIG_SCHEMAS.sql),
  nodeSchemaFor("agent", NODE_CONFIG_SCHEMAS.agent),
]);

/**
 * An edge as xyflow stores it; `sourceHandle` names the branch on edges leaving a condition ("true" /
 * "false") or an approval ("approved" / "rejected" / "timeout").
 */
export const WorkflowEdgeSchema = z.object({
  id: z.string().min(1, "Edge id is required").max(256),
  source: z.string().min(1),
  target: z.string().min(1),
  sourceHandle: z.string().nullish(),
  targetHandle: z.string().nullish(),
  /** The editor's own: how the edge is drawn and what it says. Kept on save, never read by the engine. */
  type: z.string().max(100).optional(),
  label: z.string().max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The structural schema of a graph. It checks shapes and per-type configs only; use `validateGraph`
 * for the graph rules (ids, edges, cycles, limits) and for precise messages.
 */
export const WorkflowGraphSchema = z.object({
  nodes: z.array(WorkflowNodeSchema).max(GRAPH_LIMITS.maxNodes),
  edges: z.array(WorkflowEdgeSchema).max(GRAPH_LIMITS.maxEdges),
});

export type WorkflowNode = z.output<typeof WorkflowNodeSchema>;
export type WorkflowEdge = z.output<typeof WorkflowEdgeSchema>;
export type WorkflowGraph = z.output<typeof WorkflowGraphSchema>;
/** The graph as a client may send it (defaults not yet applied). */
export type WorkflowGraphInput = z.input<typeof WorkflowGraphSchema>;
/** A node of one specific type. */
export type WorkflowNodeOf<T extends NodeType> = Extract<WorkflowNode, { type: T }>;

export { NODE_TYPES, type NodeType };

import { z } from "zod";
// Loads the evaluator, which makes the config schemas check expressions with JSONata (syntax-check.ts).
import "../expressions/evaluate-expression";
import { NODE_CONFIG_SCHEMAS } from "../nodes/configs";
import { isNodeType, NODE_TYPES, type NodeType } from "../nodes/node-types";
import { formatPath, type GraphIssue, toIssuePath } from "./graph-issue";
import { NodeSettingsSchema } from "./node-settings";
import { NodeIdSchema, PositionSchema } from "./schema";

/**
 * The node shape without the per-type config, so shape, type and config problems are told apart.
 * `config` is optional here so a missing one is reported by the config check, as an invalid_config.
 */
const NodeShapeSchema = z.object({
  id: NodeIdSchema,
  type: z.string().min(1, "Node type is required"),
  position: PositionSchema,
  data: z.looseObject({
    label: z.string().max(200).optional(),
    config: z.unknown().optional(),
    settings: z.unknown().optional(),
  }),
});

/** What edge checks need to know about the nodes that were readable. */
export type NodeSummary = { ids: Set<string>; typeById: Map<string, NodeType | undefined> };

/**
 * Checks every node on its own: shape, unique id, known type, valid config. Returns the issues and the
 * ids/types of the nodes whose id could be read (even with a bad config), so edges to them are not
 * reported as dangling on top of the real problem.
 */
export function checkNodes(rawNodes: readonly unknown[]): { issues: GraphIssue[]; summary: NodeSummary } {
  const issues: GraphIssue[] = [];
  const summary: NodeSummary = { ids: new Set(), typeById: new Map() };
  const firstIndexById = new Map<string, number>();

  rawNodes.forEach((raw, index) => {
    const at = ["nodes", index] as const;
    const parsed = NodeShapeSchema.safeParse(raw);
    if (!parsed.success) {
      const nodeId = readableId(raw);
      // Keep a well-formed id known so edges to this node are not also reported as dangling.
      if (nodeId !== undefined && NodeIdSchema.safeParse(nodeId).success && !firstIndexById.has(nodeId)) {
        firstIndexById.set(nodeId, index);
        summary.ids.add(nodeId);
        summary.typeById.set(nodeId, undefined);
      }
      for (const issue of parsed.error.issues) {
        const field = formatPath(toIssuePath(issue.path));
        issues.push({
          code: "invalid_shape",
          message: `${nodeId === undefined ? formatPath(at) : `Node "${nodeId}"`}: ${field === "" ? "" : `${field}: `}${issue.message}`,
          path: [...at, ...toIssuePath(issue.path)],
          ...(nodeId === undefined ? {} : { nodeId }),
          ...(field === "" ? {} : { field }),
        });
      }
      return;
    }
    const node = parsed.data;
    const firstIndex = firstIndexById.get(node.id);
    if (firstIndex !== undefined) {
      issues.push({
        code: "duplicate_id",
        message: `Duplicate node id "${node.id}" (nodes[${firstIndex}] and nodes[${index}])`,
        path: [...at, "id"],
        nodeId: node.id,
        field: "id",
      });
      return;
    }
    firstIndexById.set(node.id, index);
    summary.ids.add(node.id);

    if (!isNodeType(node.type)) {
      summary.typeById.set(node.id, undefined);
      issues.push({
        code: "unknown_type",
        message: `Node "${node.id}": unknown type "${node.type}" (expected one of ${NODE_TYPES.join(", ")})`,
        path: [...at, "type"],
        nodeId: node.id,
        field: "type",
      });
      return;
    }
    summary.typeById.set(node.id, node.type);
    issues.push(...checkConfig(node.id, node.type, node.data.config, index));
    issues.push(...checkSettings(node.id, node.data.settings, index));
  });

  return { issues, summary };
}

function checkConfig(nodeId: string, type: NodeType, config: unknown, index: number): GraphIssue[] {
  const parsed = NODE_CONFIG_SCHEMAS[type].safeParse(config);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = formatPath(["config", ...toIssuePath(issue.path)]);
    return {
      code: "invalid_config",
      message: `Node "${nodeId}": ${field}: ${issue.message}`,
      path: ["nodes", index, "data", "config", ...toIssuePath(issue.path)],
      nodeId,
      field,
    };
  });
}

function checkSettings(nodeId: string, settings: unknown, index: number): GraphIssue[] {
  if (settings === undefined) return [];
  const parsed = NodeSettingsSchema.safeParse(settings);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = formatPath(["settings", ...toIssuePath(issue.path)]);
    return {
      code: "invalid_config",
      message: `Node "${nodeId}": ${field}: ${issue.message}`,
      path: ["nodes", index, "data", "settings", ...toIssuePath(issue.path)],
      nodeId,
      field,
    };
  });
}

function readableId(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return undefined;
  return typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
}

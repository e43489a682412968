import type { z } from "zod";
import type { NodeConfigInputMap, NodeConfigMap } from "../configs";
import type { NodeType } from "../node-types";

/**
 * A connection point on a node. `id` is what an edge stores as `sourceHandle` / `targetHandle`;
 * null is xyflow's unnamed default handle.
 */
export type NodeHandle = { id: string | null; label: string };

/** The single unnamed handle most nodes have on each side. */
export const DEFAULT_HANDLES: readonly NodeHandle[] = [{ id: null, label: "" }];

/**
 * What the editor knows about a node type — everything but how it runs. Client-safe: catalog modules
 * import only zod and pure engine modules, never an executor, JSONata or a server module, so the
 * browser can import the whole catalog. The executor registry spreads the same entry, so the config
 * schema has one source.
 */
export type NodeCatalogEntry<T extends NodeType> = {
  type: T;
  /** Human name for palettes and logs. */
  title: string;
  /** One sentence for the palette and the config panel. */
  description: string;
  /** An icon id (e.g. "text", "git-branch"); the UI maps it to an icon component. */
  icon: string;
  configSchema: z.ZodType<NodeConfigMap[T]>;
  /** A valid starting config for a newly placed node. */
  defaultConfig: NodeConfigInputMap[T];
  inputs: readonly NodeHandle[];
  /** For branching nodes, one handle per branch; the planner follows the edge whose handle the output names. */
  outputs: readonly NodeHandle[];
};

/** What kind of rule a graph broke. */
export type GraphIssueCode =
  | "invalid_shape"
  | "duplicate_id"
  | "unknown_type"
  | "invalid_config"
  | "dangling_edge"
  | "cycle"
  | "too_many_nodes"
  | "too_many_edges"
  | "too_large"
  | "too_many_steps"
  | "invalid_handle"
  | "empty_graph";

/**
 * One problem in a graph, precise enough for the editor to highlight it: `path` points into the raw
 * graph (["nodes", 3, "data", "config", "url"]), `field` is the node-relative field ("config.url").
 */
export type GraphIssue = {
  code: GraphIssueCode;
  message: string;
  path: (string | number)[];
  nodeId?: string;
  edgeId?: string;
  field?: string;
  /** For "cycle": the node ids around the loop, first id repeated at the end. */
  cyclePath?: string[];
};

/** Renders a path the way people read it: `config.headers[0].name`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

/** zod paths may hold symbols; issues only carry strings and numbers. */
export function toIssuePath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((part) => (typeof part === "number" ? part : String(part)));
}

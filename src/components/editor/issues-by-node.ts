/** An issue as the drafts API answers it (a 422's issues have the same shape). */
export type DraftIssue = {
  path: (string | number)[];
  message: string;
  code?: string;
  nodeId?: string;
  edgeId?: string;
  field?: string;
  /** For a cycle: every node on it, in order. */
  cyclePath?: string[];
};

/** An issue as the config panel takes it: the path relative to the node (["data", "config", "url"]). */
export type NodeIssue = { path: (string | number)[]; message: string };

/**
 * The issues of each node, paths made relative to the node: everything up to and including the
 * node's index (["body", "graph", "nodes", 3, …]) is dropped. An issue that names a node without
 * pointing into it (an edge to it, a cycle through it) keeps an empty path.
 */
export function issuesByNode(issues: readonly DraftIssue[]): Map<string, NodeIssue[]> {
  const byNode = new Map<string, NodeIssue[]>();
  for (const issue of issues) {
    // A cycle is every one of its nodes' problem, not just the node it was found at.
    const nodeIds = new Set([...(issue.nodeId ? [issue.nodeId] : []), ...(issue.cyclePath ?? [])]);
    for (const nodeId of nodeIds) {
      const list = byNode.get(nodeId) ?? [];
      const path = nodeId === issue.nodeId ? nodeRelativePath(issue.path) : [];
      list.push({ path, message: issue.message });
      byNode.set(nodeId, list);
    }
  }
  return byNode;
}

function nodeRelativePath(path: readonly (string | number)[]): (string | number)[] {
  for (let i = 0; i < path.length - 1; i++) {
    if (path[i] === "nodes" && typeof path[i + 1] === "number") return path.slice(i + 2);
  }
  return [];
}

/** Just the messages per node, for the cards to paint. */
export function issueMessagesByNode(
  byNode: ReadonlyMap<string, readonly NodeIssue[]>,
): Map<string, string[]> {
  return new Map([...byNode].map(([id, list]) => [id, list.map((issue) => issue.message)]));
}

/** The issues of the input schema, relative to it (["body", "inputSchema", "properties"] → ["properties"]). */
export function inputSchemaIssues(issues: readonly DraftIssue[]): NodeIssue[] {
  return issues
    .filter((issue) => issue.path[0] === "body" && issue.path[1] === "inputSchema")
    .map((issue) => ({ path: issue.path.slice(2), message: issue.message }));
}

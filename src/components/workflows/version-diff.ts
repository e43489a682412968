/**
 * What changed between two versions of a workflow, structurally: nodes by id (added, removed, or
 * changed: type, label, settings and each config key), edges by what they connect (their ids are
 * editor-made and may differ for the same connection), and whether the input schema changed.
 * Positions are layout, not behaviour, and are ignored. Pure and client-safe.
 */

export type DiffNode = {
  id: string;
  type: string;
  data?: { label?: unknown; config?: unknown; settings?: unknown } & Record<string, unknown>;
};
export type DiffEdge = {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
};
export type DiffableVersion = {
  graph: { nodes: readonly DiffNode[]; edges: readonly DiffEdge[] };
  inputSchema: unknown;
};

export type NodeChange = {
  id: string;
  /** Set when the node's type changed (its config then differs wholesale). */
  type?: { from: string; to: string };
  labelChanged: boolean;
  settingsChanged: boolean;
  /** Config keys added, removed or given another value, sorted. */
  configKeys: string[];
};

export type VersionDiff = {
  nodes: { added: DiffNode[]; removed: DiffNode[]; changed: NodeChange[] };
  edges: { added: string[]; removed: string[] };
  inputSchemaChanged: boolean;
};

/** `source[:handle] → target[:handle]`: how a person reads an edge, and what identifies it here. */
export function edgeKey(edge: DiffEdge): string {
  const end = (node: string, handle?: string | null) => (handle ? `${node}:${handle}` : node);
  return `${end(edge.source, edge.sourceHandle)} → ${end(edge.target, edge.targetHandle)}`;
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}

const same = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function nodeChange(before: DiffNode, after: DiffNode): NodeChange | null {
  const from = asRecord(before.data?.config);
  const to = asRecord(after.data?.config);
  const configKeys = [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((key) => !(key in from && key in to && same(from[key], to[key])))
    .sort();
  const change: NodeChange = {
    id: after.id,
    ...(before.type !== after.type && { type: { from: before.type, to: after.type } }),
    labelChanged: !same(before.data?.label, after.data?.label),
    settingsChanged: !same(before.data?.settings, after.data?.settings),
    configKeys,
  };
  const changed = change.type || change.labelChanged || change.settingsChanged || configKeys.length > 0;
  return changed ? change : null;
}

/** The changes that turn `from` into `to`, in the order of `to`'s nodes (removed ones in `from`'s). */
export function diffVersions(from: DiffableVersion, to: DiffableVersion): VersionDiff {
  const before = new Map(from.graph.nodes.map((node) => [node.id, node]));
  const after = new Map(to.graph.nodes.map((node) => [node.id, node]));
  const changed: NodeChange[] = [];
  for (const node of to.graph.nodes) {
    const old = before.get(node.id);
    const change = old && nodeChange(old, node);
    if (change) changed.push(change);
  }
  const edgesBefore = new Set(from.graph.edges.map(edgeKey));
  const edgesAfter = new Set(to.graph.edges.map(edgeKey));
  return {
    nodes: {
      added: to.graph.nodes.filter((node) => !before.has(node.id)),
      removed: from.graph.nodes.filter((node) => !after.has(node.id)),
      changed,
    },
    edges: {
      added: [...edgesAfter].filter((key) => !edgesBefore.has(key)),
      removed: [...edgesBefore].filter((key) => !edgesAfter.has(key)),
    },
    inputSchemaChanged: !same(from.inputSchema, to.inputSchema),
  };
}

/** True when the two versions do the same thing (they may still differ in layout). */
export function isEmptyDiff(diff: VersionDiff): boolean {
  return (
    diff.nodes.added.length + diff.nodes.removed.length + diff.nodes.changed.length === 0 &&
    diff.edges.added.length + diff.edges.removed.length === 0 &&
    !diff.inputSchemaChanged
  );
}

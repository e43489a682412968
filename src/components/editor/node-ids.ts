/** What a node or edge id may contain (the engine's NODE_ID_PATTERN); other characters become "_". */
function sanitize(base: string): string {
  const cleaned = base.replace(/[^A-Za-z0-9_-]/g, "_");
  return cleaned.length > 0 ? cleaned : "node";
}

/**
 * A node id derived from its type that no node uses yet: `http_1`, `http_2`, … Templates call nodes by
 * id, so a short readable one is worth more than a random one.
 */
export function nextNodeId(type: string, taken: ReadonlySet<string>): string {
  const base = sanitize(type);
  for (let n = 1; ; n++) {
    const id = `${base}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** `${source}-${target}`, with `-2`, `-3` … when two edges join the same nodes (two branch handles). */
export function nextEdgeId(source: string, target: string, taken: ReadonlySet<string>): string {
  const base = `${source}-${target}`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** Why a new id cannot replace a node's id, or null when it can. */
export function renameProblem(newId: string, oldId: string, taken: ReadonlySet<string>): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(newId)) return "An id may contain only letters, digits, _ and -";
  if (newId !== oldId && taken.has(newId)) return `Another node is already called ${newId}`;
  return null;
}

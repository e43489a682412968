type Edge = { source: string; target: string };

/**
 * Finds one cycle per strongly connected component (so every independent loop is reported once),
 * each as the shortest loop through the component's smallest id: ["a", "b", "c", "a"].
 * Deterministic: results and neighbours are visited in id order.
 */
export function findCycles(nodeIds: readonly string[], edges: readonly Edge[]): string[][] {
  const adjacency = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of edges) adjacency.get(edge.source)?.push(edge.target);
  for (const targets of adjacency.values()) targets.sort(compareIds);

  const cycles: string[][] = [];
  for (const component of stronglyConnectedComponents([...nodeIds].sort(compareIds), adjacency)) {
    const members = new Set(component);
    const start = [...component].sort(compareIds)[0];
    if (start === undefined) continue;
    const selfLoop = adjacency.get(start)?.includes(start) ?? false;
    if (component.length === 1 && !selfLoop) continue;
    const loop = shortestLoop(start, adjacency, members);
    if (loop !== null) cycles.push(loop);
  }
  return cycles.sort((a, b) => compareIds(a[0] ?? "", b[0] ?? ""));
}

/** Plain `<` ordering: locale-independent, so plans and messages are identical on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Tarjan's algorithm; graphs are capped at a few hundred nodes, so recursion depth is safe. */
function stronglyConnectedComponents(
  ids: readonly string[],
  adjacency: ReadonlyMap<string, string[]>,
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
    for (const next of adjacency.get(id) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    components.push(component);
  };

  for (const id of ids) if (!index.has(id)) visit(id);
  return components;
}

/** Breadth-first search from `start` back to itself, staying inside the component. */
function shortestLoop(
  start: string,
  adjacency: ReadonlyMap<string, string[]>,
  members: ReadonlySet<string>,
): string[] | null {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] as string;
    for (const next of adjacency.get(current) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = current; at !== undefined && at !== start; at = previous.get(at)) {
          path.push(at);
        }
        return [start, ...path.slice(1).reverse(), start];
      }
      if (!previous.has(next) && next !== start) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}

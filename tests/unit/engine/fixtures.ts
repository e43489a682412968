import {
  type ChildRunRef,
  type EventWait,
  type NodeDeps,
  type NodeType,
  type ReceivedEvent,
  type RunScope,
  type StepRunner,
  validateGraph,
  type WorkflowGraph,
  type WorkflowNode,
} from "@/engine";

type LogEntry = Parameters<NodeDeps["log"]>[0];

/** A raw node as the editor would send it. */
export function node(id: string, type: NodeType | string, config: unknown = defaultConfig(type)) {
  return { id, type, position: { x: 0, y: 0 }, data: { config } };
}

/** A raw edge; id derived from the ends so tests stay short. */
export function edge(source: string, target: string, sourceHandle?: string) {
  return { id: `${source}-${target}${sourceHandle ? `-${sourceHandle}` : ""}`, source, target, sourceHandle };
}

function defaultConfig(type: string): unknown {
  switch (type) {
    case "condition":
      return { expression: "true" };
    case "transform":
      return { expression: "1" };
    case "delay":
      return { duration: "1s" };
    case "http":
      return { method: "GET", url: "https://example.com" };
    default:
      return { template: "x" };
  }
}

/** Builds and validates a graph, failing loudly when the fixture itself is wrong. */
export function graph(nodes: unknown[], edges: unknown[] = []): WorkflowGraph {
  const result = validateGraph({ nodes, edges });
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join("\n"));
  return result.graph;
}

export function nodeOf(g: WorkflowGraph, id: string): WorkflowNode {
  const found = g.nodes.find((n) => n.id === id);
  if (found === undefined) throw new Error(`no node ${id}`);
  return found;
}

export const emptyScope: RunScope = { input: {}, nodes: {} };

/** Deps with a recording logger, a fixed clock and a fetch that must not be called unless replaced. */
export function testDeps(overrides: Partial<NodeDeps> = {}): NodeDeps & { logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  return {
    logs,
    fetch: async () => {
      throw new Error("fetch not expected");
    },
    log: (entry) => logs.push(entry),
    now: () => new Date("2030-01-01T00:00:00Z"),
    ...overrides,
  };
}

/** How a memory runner answers waits and invokes: by step id; an unlisted wait times out (null). */
export type MemoryRunnerScript = {
  events?: Record<string, ReceivedEvent | null>;
  invoke?: (id: string, child: ChildRunRef) => Promise<unknown>;
};

/** An in-memory StepRunner: memoizes by id like Inngest and records every call. */
export function memoryRunner(
  script: MemoryRunnerScript = {},
): StepRunner & { calls: string[]; sleeps: { id: string; ms: number }[]; waits: EventWait[] } {
  const memo = new Map<string, unknown>();
  const calls: string[] = [];
  const sleeps: { id: string; ms: number }[] = [];
  const waits: EventWait[] = [];
  return {
    calls,
    sleeps,
    waits,
    async run<T>(id: string, fn: () => Promise<T>): Promise<T> {
      calls.push(id);
      if (memo.has(id)) return memo.get(id) as T;
      const value = await fn();
      memo.set(id, value);
      return value;
    },
    async sleep(id: string, ms: number) {
      calls.push(id);
      sleeps.push({ id, ms });
    },
    async waitForEvent(id: string, wait: EventWait) {
      calls.push(id);
      waits.push(wait);
      return script.events?.[id] ?? null;
    },
    async invoke(id: string, child: ChildRunRef) {
      calls.push(id);
      if (!script.invoke) throw new Error(`invoke ${id} not expected`);
      return script.invoke(id, child);
    },
  };
}

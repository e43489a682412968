import { z } from "zod";
import { countRunSteps, MAX_RUN_STEPS } from "../run/run-steps";
import { checkEdges } from "./check-edges";
import { checkNodes } from "./check-nodes";
import { findCycles } from "./find-cycles";
import { formatPath, type GraphIssue, toIssuePath } from "./graph-issue";
import { GRAPH_LIMITS, type WorkflowGraph, WorkflowGraphSchema } from "./schema";

/** The outcome of {@link validateGraph}. */
export type ValidateGraphResult = { ok: true; graph: WorkflowGraph } | { ok: false; issues: GraphIssue[] };

export type ValidateGraphOptions = {
  /** Accept a graph without nodes (an editor draft); running one still makes no sense. Default false. */
  allowEmpty?: boolean;
  /** The step limit a run must fit in. Default MAX_RUN_STEPS (Inngest's); tests lower it. */
  maxRunSteps?: number;
};

const EnvelopeSchema = z.object({ nodes: z.array(z.unknown()), edges: z.array(z.unknown()) });

/**
 * Validates an untrusted graph and reports every problem found, each naming the node, edge and field:
 * size and count limits, node shapes, duplicate ids, unknown types, per-type configs (including
 * expression and template syntax), dangling edges, condition handles and cycles (with their path);
 * then whether a run of it fits Inngest's step limit.
 * On success returns the parsed graph with config defaults applied.
 */
export function validateGraph(raw: unknown, options: ValidateGraphOptions = {}): ValidateGraphResult {
  const size = serializedBytes(raw);
  if (size === null) {
    return fail([{ code: "invalid_shape", message: "Graph is not JSON-serializable", path: [] }]);
  }
  // Stop before looking inside: everything below is linear in the size, but only if the size is bounded.
  if (size > GRAPH_LIMITS.maxBytes) {
    return fail([
      {
        code: "too_large",
        message: `Graph is ${size} bytes when serialized; the limit is ${GRAPH_LIMITS.maxBytes}`,
        path: [],
      },
    ]);
  }

  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return fail(
      envelope.error.issues.map((issue) => {
        const path = toIssuePath(issue.path);
        return {
          code: "invalid_shape",
          message: path.length === 0 ? `Graph: ${issue.message}` : `${formatPath(path)}: ${issue.message}`,
          path,
        };
      }),
    );
  }

  const { nodes: rawNodes, edges: rawEdges } = envelope.data;
  const issues: GraphIssue[] = [...checkLimits(rawNodes.length, rawEdges.length)];
  if (rawNodes.length === 0 && options.allowEmpty !== true) {
    issues.push({ code: "empty_graph", message: "Graph has no nodes", path: ["nodes"] });
  }

  const nodeCheck = checkNodes(rawNodes);
  const edgeCheck = checkEdges(rawEdges, nodeCheck.summary);
  issues.push(...nodeCheck.issues, ...edgeCheck.issues);
  for (const cyclePath of findCycles([...nodeCheck.summary.ids], edgeCheck.connected)) {
    issues.push({
      code: "cycle",
      message: `Cycle detected: ${cyclePath.join(" → ")}`,
      path: ["edges"],
      ...(cyclePath[0] === undefined ? {} : { nodeId: cyclePath[0] }),
      cyclePath,
    });
  }
  if (issues.length > 0) return fail(issues);

  // Every rule passed; the structural schema now only adds types and config defaults.
  const parsed = WorkflowGraphSchema.safeParse(raw);
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((issue) => ({
        code: "invalid_shape",
        message: `${formatPath(toIssuePath(issue.path))}: ${issue.message}`,
        path: toIssuePath(issue.path),
      })),
    );
  }
  const steps = countRunSteps(parsed.data);
  const maxSteps = options.maxRunSteps ?? MAX_RUN_STEPS;
  if (steps > maxSteps) {
    return fail([
      {
        code: "too_many_steps",
        message: `A run of this graph can take ${steps} durable steps (start, finish, one per node, three per delay, approval or sub-workflow node, an agent node's by its limits); the limit is ${maxSteps}`,
        path: ["nodes"],
      },
    ]);
  }
  return { ok: true, graph: parsed.data };
}

function checkLimits(nodeCount: number, edgeCount: number): GraphIssue[] {
  const issues: GraphIssue[] = [];
  if (nodeCount > GRAPH_LIMITS.maxNodes) {
    issues.push({
      code: "too_many_nodes",
      message: `Graph has ${nodeCount} nodes; the limit is ${GRAPH_LIMITS.maxNodes}`,
      path: ["nodes"],
    });
  }
  if (edgeCount > GRAPH_LIMITS.maxEdges) {
    issues.push({
      code: "too_many_edges",
      message: `Graph has ${edgeCount} edges; the limit is ${GRAPH_LIMITS.maxEdges}`,
      path: ["edges"],
    });
  }
  return issues;
}

/** UTF-8 size of the JSON form (0 for undefined), or null when it cannot be serialized (cycles, BigInt). */
function serializedBytes(raw: unknown): number | null {
  try {
    const json = JSON.stringify(raw);
    return json === undefined ? 0 : new TextEncoder().encode(json).length;
  } catch {
    return null;
  }
}

function fail(issues: GraphIssue[]): ValidateGraphResult {
  return { ok: false, issues };
}

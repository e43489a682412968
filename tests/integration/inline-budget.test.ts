import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { LocalRun } from "../../inngest/local";
import { edge, node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

/** Inngest's limit on a function run's state (every memoized step result, plus the event). */
const INNGEST_STATE_LIMIT = 32 * 1024 * 1024;
/** RUN_INLINE_STATE_BUDGET_BYTES's default. */
const BUDGET = 8 * 1024 * 1024;
/** A node's output: a 250 KB string, under the 256 KB inline limit of a single output. */
const BLOB = "x".repeat(250_000);

type Run = { id: string; status: string; output: unknown; error: unknown };

/**
 * Stepwise stays inside Inngest's 32 MB of run state by design (docs/INNGEST_PARITY.md, "How
 * Stepwise stays inside"): a run's inline outputs stop at its budget, and a partial run's `start`
 * step returns its seeded outputs as references. The local engine runs with the real step limits
 * (4 MB per step, 1,000 steps); the function's state is measured from what it memoized.
 */
describe("the inline state budget", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });

  async function runOf(workflowId: string, body: Record<string, unknown>): Promise<Run> {
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${workflowId}/runs`, body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack().engine.drain();
    return (await stack().api<Run>("GET", `/api/runs/${started.body.runId}`)).body;
  }

  async function createWorkflow(name: string, graph: unknown): Promise<string> {
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name, graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  }

  /** The engine's function run that executed `runId` (the sub-run of a partial run is its own). */
  function executionOf(runId: string): LocalRun {
    const execution = stack()
      .engine.listRuns()
      .find((run) => (run.event.data as { runId?: string } | undefined)?.runId === runId);
    if (!execution) throw new Error(`no function run executed ${runId}`);
    return execution;
  }

  const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
  const stateBytes = (execution: LocalRun) =>
    execution.steps.reduce((total, step) => total + bytes(step.output), bytes(execution.event));

  it("runs a 130-node chain of 250 KB outputs with its memoized state under the budget", async () => {
    const ids = Array.from({ length: 130 }, (_, i) => `n${i}`);
    const workflowId = await createWorkflow("chain of 250 KB outputs", {
      nodes: ids.map((id) => node(id, "transform", { expression: "input.blob" })),
      edges: ids.slice(1).map((id, i) => edge(`n${i}`, id)),
    });
    const run = await runOf(workflowId, { input: { blob: BLOB } });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    // The API resolves references: the last node's output is the data itself.
    expect(run.output).toBe(BLOB);

    const execution = executionOf(run.id);
    expect(execution.status).toBe("Completed");
    // 130 × 250 KB inline would be 32.5 MB, over Inngest's limit; the budget stops the inline
    // total near 8 MB (one output's worth above it at most) and every later output is a reference.
    const state = stateBytes(execution);
    expect(state).toBeLessThan(BUDGET + 512 * 1024);
    expect(state).toBeLessThan(INNGEST_STATE_LIMIT);
    const nodeSteps = execution.steps.filter((step) => step.name.startsWith("node:"));
    expect(nodeSteps).toHaveLength(130);
    const refs = nodeSteps.filter((step) => typeof (step.output as { $ref?: unknown })?.$ref === "string");
    expect(refs.length).toBeGreaterThan(90);
  }, 600_000);

  it("starts a partial run seeded with 20 × 250 KB outputs from a small `start` step", async () => {
    const parents = Array.from({ length: 20 }, (_, i) => `p${i}`);
    // A chain, not a fan-in: twenty parallel branches each carrying megabytes of state make the
    // local engine's concurrent calls stall now and then (a connection closed after ~80 s, seen
    // before and after the step journal), which is not what this test is about.
    const workflowId = await createWorkflow("chain of 250 KB outputs, summed", {
      nodes: [
        ...parents.map((id) => node(id, "transform", { expression: "input.blob" })),
        node("sum", "transform", {
          expression: `${parents.map((id) => `$length(nodes.${id})`).join(" + ")}`,
        }),
      ],
      edges: [...parents.slice(1).map((id, i) => edge(`p${i}`, id)), edge("p19", "sum")],
    });
    const source = await runOf(workflowId, { input: { blob: BLOB } });
    expect(source.status, JSON.stringify(source.error)).toBe("succeeded");
    expect(source.output).toBe(20 * BLOB.length);

    const { getDb } = await import("@/server/db/client");
    const { runs } = await import("@/server/db/schema");
    // A small input of its own, so what the start step returns is the graph and the seeds.
    const rerun = await runOf(workflowId, { fromNodeId: "sum", sourceRunId: source.id, input: { blob: "" } });
    expect(rerun.status, JSON.stringify(rerun.error)).toBe("succeeded");
    // The re-run node saw every seeded output whole.
    expect(rerun.output).toBe(20 * BLOB.length);
    const [row] = await (await getDb()).select().from(runs).where(eq(runs.id, rerun.id));
    expect(Object.keys(row?.seedOutputs ?? {})).toHaveLength(20);

    // Seeded inline, the start step would return 5 MB (over Inngest's 4 MB per step): it returns
    // references.
    const start = executionOf(rerun.id).steps.find((step) => step.name === "start");
    expect(start?.status).toBe("Completed");
    expect(bytes(start?.output)).toBeLessThan(64 * 1024);
    const seeds = Object.values((start?.output as { seedOutputs?: object } | undefined)?.seedOutputs ?? {});
    expect(seeds).toHaveLength(20);
    expect(seeds.every((seed) => typeof (seed as { $ref?: unknown }).$ref === "string")).toBe(true);
    expect(stateBytes(executionOf(rerun.id))).toBeLessThan(1024 * 1024);
  }, 300_000);
});

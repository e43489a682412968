import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { runHelpers } from "../helpers/run-helpers";
import { useStack } from "../helpers/stack";

/** GET /api/runs/:runId/events: how the run page fills a gap its live subscription left. */
describe("reading a run's stored events after a seq", () => {
  const stack = useStack({ driver: "pglite" });
  const { createWorkflow, startRun } = runHelpers(stack);

  it("answers the events after `after`, in order, paged by `limit`", async () => {
    const workflowId = await createWorkflow({
      nodes: [node("a", "text", { template: "a" }), node("b", "text", { template: "b" })],
      edges: [edge("a", "b")],
    });
    const runId = await startRun(workflowId);
    await stack().engine.settle();

    type Page = { data: Array<{ seq: number; type: string; runId: string }>; more: boolean };
    const all = await stack().api<Page>("GET", `/api/runs/${runId}/events`);
    expect(all.status).toBe(200);
    const seqs = all.body.data.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(all.body.data.at(-1)).toMatchObject({ type: "run.status", runId });
    expect(all.body.more).toBe(false);

    const after = await stack().api<Page>("GET", `/api/runs/${runId}/events?after=2&limit=2`);
    expect(after.body.data.map((e) => e.seq)).toEqual([3, 4]);
    expect(after.body.more).toBe(seqs.length > 4);

    const bad = await stack().api<{ error: { code: string } }>("GET", `/api/runs/${runId}/events?after=-1`);
    expect(bad.status).toBe(422);
    expect((await stack().api("GET", "/api/runs/run_00000000000000000000000000/events")).status).toBe(404);
  });
});

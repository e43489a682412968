import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";
import { foreignWorkflow, runHelpers, stepOf } from "./wait-node-helpers";

const greeter = (prefix: string) => ({
  nodes: [node("greet", "transform", { expression: `{ "greeting": "${prefix} " & input.name }` })],
  edges: [],
});

/** Sub-workflow nodes end to end: the parent invokes the executor on a child run through the local engine. */
describe("sub-workflow nodes (pglite, checkpoint mode)", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  const { createWorkflow, saveVersion, startRun, getRun, runEvents } = runHelpers(stack);

  async function childRunIds(parentRunId: string) {
    return (await runEvents(parentRunId))
      .filter((e) => e.type === "log" && typeof e.data.childRunId === "string")
      .map((e) => ({ nodeId: e.nodeId, runId: String(e.data.childRunId) }));
  }

  it("runs the child on the version current when the parent started (or the pinned one) and outputs its output", async () => {
    const childId = await createWorkflow(greeter("v1"));
    const parentId = await createWorkflow({
      nodes: [
        node("wait", "delay", { duration: "1m" }),
        node("current", "subworkflow", { workflowId: childId, input: '{ "name": input.name }' }),
        node("pinned", "subworkflow", { workflowId: childId, version: 2, input: '{ "name": "Bo" }' }),
        node("after", "text", { template: "{{ nodes.current.greeting }} / {{ nodes.pinned.greeting }}" }),
      ],
      edges: [
        edge("wait", "current"),
        edge("wait", "pinned"),
        edge("current", "after"),
        edge("pinned", "after"),
      ],
    });
    const parentRunId = await startRun(parentId, { name: "Ada" });
    await stack().engine.settle();
    // Saved while the parent sleeps: the parent still runs the child version of its start.
    await saveVersion(childId, greeter("v2"));
    await stack().engine.clock.advance(60_000);
    await stack().engine.settle();

    const parent = await getRun(parentRunId);
    expect(parent.status, JSON.stringify(parent.error)).toBe("succeeded");
    expect(stepOf(parent, "current").output).toEqual({ greeting: "v1 Ada" });
    expect(stepOf(parent, "pinned").output).toEqual({ greeting: "v2 Bo" });
    expect(parent.output).toEqual({ text: "v1 Ada / v2 Bo" });

    const children = await childRunIds(parentRunId);
    expect(children.map((c) => c.nodeId).sort()).toEqual(["current", "pinned"]);
    for (const child of children) {
      const run = await getRun(child.runId);
      expect(run).toMatchObject({
        status: "succeeded",
        parentRunId,
        depth: 1,
        trigger: "subworkflow",
        version: child.nodeId === "current" ? 1 : 2,
      });
    }
  });

  it("fails the parent's node, for good, when the child fails", async () => {
    const childId = await createWorkflow({
      nodes: [node("boom", "transform", { expression: '$error("child broke")' })],
      edges: [],
    });
    const parentId = await createWorkflow({
      nodes: [node("sub", "subworkflow", { workflowId: childId }), node("after", "text", { template: "x" })],
      edges: [edge("sub", "after")],
    });
    const parentRunId = await startRun(parentId);
    await stack().engine.drain();

    const parent = await getRun(parentRunId);
    expect(parent.status).toBe("failed");
    expect(parent.error).toMatchObject({ nodeId: "sub", code: "subworkflow_failed" });
    expect(parent.error?.message).toMatch(/^Sub-workflow run run_\w+ failed: .*child broke/);
    expect(stepOf(parent, "after").status).toBe("cancelled");
    const [child] = await childRunIds(parentRunId);
    expect((await getRun(child?.runId ?? "")).status).toBe("failed");
  });

  it("refuses to nest deeper than 5: a workflow that calls itself fails at the limit", async () => {
    const selfId = await createWorkflow({ nodes: [node("x", "text", { template: "x" })], edges: [] });
    await saveVersion(selfId, {
      nodes: [node("again", "subworkflow", { workflowId: selfId })],
      edges: [],
    });
    const rootRunId = await startRun(selfId);
    await stack().engine.drain();

    const root = await getRun(rootRunId);
    expect(root.status).toBe("failed");
    expect(root.error?.message).toMatch(
      /^Sub-workflow run run_\w+ failed: Sub-workflows nest at most 5 deep; run run_\w+ is already at depth 5$/,
    );

    const depths: number[] = [];
    for (let runId: string | undefined = rootRunId; runId; ) {
      const run = await getRun(runId);
      depths.push(run.depth);
      expect(run.status).toBe("failed");
      runId = (await childRunIds(runId))[0]?.runId;
    }
    expect(depths).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("refuses another workspace's workflow, non-retriably, without creating a child", async () => {
    const foreign = await foreignWorkflow(greeter("theirs"));
    const parentId = await createWorkflow({
      nodes: [node("sub", "subworkflow", { workflowId: foreign.workflowId })],
      edges: [],
    });
    const parentRunId = await startRun(parentId);
    await stack().engine.drain();
    const parent = await getRun(parentRunId);
    expect(parent.status).toBe("failed");
    expect(parent.error).toMatchObject({
      nodeId: "sub",
      code: "subworkflow_not_found",
      message: `Workflow "${foreign.workflowId}" does not exist in this workspace`,
    });
    expect(stepOf(parent, "sub")).toMatchObject({ status: "failed" });
    expect(await childRunIds(parentRunId)).toEqual([]);
    // One attempt, told it will not be retried.
    const failures = (await runEvents(parentRunId)).filter((e) => e.type === "step.failed");
    expect(failures.map((e) => [e.nodeId, e.data.attempt, e.data.willRetry])).toEqual([["sub", 0, false]]);
  });

  it("fails the node when the child's input does not fit the child's input schema", async () => {
    const childId = await createWorkflow(greeter("v1"), {
      inputSchema: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
    });
    const parentId = await createWorkflow({
      nodes: [node("sub", "subworkflow", { workflowId: childId, input: '{ "nom": "Ada" }' })],
      edges: [],
    });
    const parentRunId = await startRun(parentId);
    await stack().engine.drain();
    const parent = await getRun(parentRunId);
    expect(parent.error).toMatchObject({ nodeId: "sub", code: "invalid_input" });
    expect(parent.error?.message).toContain("name");
  });

  it("cancels a waiting child when its parent is cancelled", async () => {
    const childId = await createWorkflow({
      nodes: [node("nap", "delay", { duration: "1h" }), node("late", "text", { template: "late" })],
      edges: [edge("nap", "late")],
    });
    const parentId = await createWorkflow({
      nodes: [node("sub", "subworkflow", { workflowId: childId })],
      edges: [],
    });
    const parentRunId = await startRun(parentId);
    await stack().engine.settle();
    const [child] = await childRunIds(parentRunId);
    expect((await getRun(child?.runId ?? "")).status).toBe("running");

    expect((await stack().api("POST", `/api/runs/${parentRunId}/cancel`)).status).toBe(200);
    await stack().engine.drain();
    expect((await getRun(parentRunId)).status).toBe("cancelled");
    const cancelled = await getRun(child?.runId ?? "");
    expect(cancelled.status).toBe("cancelled");
    expect(stepOf(cancelled, "late").status).toBe("cancelled");
  });

  it("fails the parent's node, and only it, when the child alone is cancelled", async () => {
    // Inngest resolves a cancelled child's step.invoke (with its finish event) instead of
    // throwing; the node reads the child's row either way and fails naming the cancellation.
    const childId = await createWorkflow({
      nodes: [node("nap", "delay", { duration: "1h" }), node("late", "text", { template: "late" })],
      edges: [edge("nap", "late")],
    });
    const parentId = await createWorkflow({
      nodes: [node("sub", "subworkflow", { workflowId: childId }), node("after", "text", { template: "x" })],
      edges: [edge("sub", "after")],
    });
    const parentRunId = await startRun(parentId);
    await stack().engine.settle();
    const [child] = await childRunIds(parentRunId);
    expect((await stack().api("POST", `/api/runs/${child?.runId}/cancel`)).status).toBe(200);
    await stack().engine.drain();

    const parent = await getRun(parentRunId);
    expect(parent.status).toBe("failed");
    expect(parent.error).toMatchObject({ nodeId: "sub", code: "subworkflow_failed" });
    expect(parent.error?.message).toMatch(/^Sub-workflow run run_\w+ cancelled$/);
    expect(stepOf(parent, "after").status).toBe("cancelled");
    expect((await getRun(child?.runId ?? "")).status).toBe("cancelled");
  });
});

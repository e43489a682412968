import { describe, expect, it } from "vitest";
import type { RunStepRow } from "@/components/runs/run-steps";
import { defaultSelectedNode, statusByNode, timelineBars } from "@/components/runs/run-view-model";

const step = (nodeId: string, over: Partial<RunStepRow> = {}): RunStepRow => ({
  nodeId,
  nodeType: "text",
  status: "succeeded",
  attempt: 0,
  output: null,
  error: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  ...over,
});

describe("the run view's model", () => {
  it("colours nodes by step status, approvals waiting on a person, and a re-run's edited and reused nodes", () => {
    const statuses = statusByNode(
      [step("ask", { nodeType: "approval", status: "running" }), step("after", { status: "pending" })],
      "waiting",
      { sourceRunId: "run_x", fromNodeId: "fix", reusedNodeIds: ["fetch", "fix"], editedNodeId: "fix" },
    );
    expect(Object.fromEntries(statuses)).toEqual({
      fetch: "reused",
      fix: "edited",
      ask: "waiting",
      after: "pending",
    });
  });

  it("opens on the failing node", () => {
    expect(defaultSelectedNode([step("a"), step("b", { status: "failed" })])).toBe("b");
    expect(defaultSelectedNode([step("a")])).toBeNull();
  });

  it("places each started node's bar by its time within the run", () => {
    const bars = timelineBars(
      [
        step("a", {
          startedAt: "2026-01-01T00:00:00.000Z",
          finishedAt: "2026-01-01T00:00:01.000Z",
          durationMs: 1000,
        }),
        step("b", {
          startedAt: "2026-01-01T00:00:01.000Z",
          finishedAt: "2026-01-01T00:00:04.000Z",
          durationMs: 3000,
        }),
        step("never"),
      ],
      Date.parse("2026-01-01T00:00:10.000Z"),
    );
    expect(bars.map(({ nodeId, offsetPct, widthPct }) => ({ nodeId, offsetPct, widthPct }))).toEqual([
      { nodeId: "a", offsetPct: 0, widthPct: 25 },
      { nodeId: "b", offsetPct: 25, widthPct: 75 },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import type { RunStepRow } from "@/components/runs/run-steps";
import {
  approvalDecisionOf,
  defaultSelectedNode,
  formatAttempts,
  shownStepStatus,
  statusByNode,
  timelineBars,
} from "@/components/runs/run-view-model";

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
      "succeeded",
      Date.parse("2026-01-01T00:00:10.000Z"),
    );
    expect(bars.map(({ nodeId, offsetPct, widthPct }) => ({ nodeId, offsetPct, widthPct }))).toEqual([
      { nodeId: "a", offsetPct: 0, widthPct: 25 },
      { nodeId: "b", offsetPct: 25, widthPct: 75 },
    ]);
  });

  it("calls a node waiting on a person or a timer waiting, wherever it shows", () => {
    const ask = step("ask", {
      nodeType: "approval",
      status: "running",
      startedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(shownStepStatus(ask, "waiting")).toBe("waiting");
    // Before the approval is requested the run is still running, and so is the node.
    expect(shownStepStatus(ask, "running")).toBe("running");
    expect(shownStepStatus(step("pause", { nodeType: "delay", status: "running" }), "running")).toBe(
      "waiting",
    );
    expect(timelineBars([ask], "waiting", null)[0]?.status).toBe("waiting");
  });

  it("draws a node still going as a sliver until the browser's clock is read", () => {
    const going = [
      step("a", {
        startedAt: "2026-01-01T00:00:00.000Z",
        finishedAt: "2026-01-01T00:00:01.000Z",
        durationMs: 1000,
      }),
      step("b", { status: "running", startedAt: "2026-01-01T00:00:01.000Z" }),
    ];
    expect(timelineBars(going, "running", null).map((bar) => bar.widthPct)).toEqual([100, 0.5]);
    expect(
      timelineBars(going, "running", Date.parse("2026-01-01T00:00:04.000Z")).map((bar) => bar.widthPct),
    ).toEqual([25, 75]);
  });

  it("shows no attempts for a node that never started, and an approval's decision once it ended", () => {
    expect(formatAttempts(step("skip", { status: "skipped", attempt: 0, startedAt: null }))).toBe("—");
    expect(formatAttempts(step("wait", { status: "pending" }))).toBe("—");
    expect(formatAttempts(step("done", { attempt: 1, startedAt: "2026-01-01T00:00:00.000Z" }))).toBe("2");
    expect(approvalDecisionOf(step("ask", { nodeType: "approval", output: { decision: "rejected" } }))).toBe(
      "rejected",
    );
    expect(
      approvalDecisionOf(step("ask", { nodeType: "approval", status: "running", output: null })),
    ).toBeNull();
    expect(approvalDecisionOf(step("t", { output: { decision: "approved" } }))).toBeNull();
  });
});

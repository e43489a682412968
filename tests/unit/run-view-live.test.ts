import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NodeDetail } from "@/components/runs/node-detail";
import { RunDiff, splitDiff } from "@/components/runs/run-diff";
import { type RunStepRow, RunSteps } from "@/components/runs/run-steps";
import { RunTimeline } from "@/components/runs/run-timeline";

// The approval buttons refresh the page through the app router, which a static render does not mount.
vi.mock("next/navigation", () => ({
  useRouter: () => ({ refresh: () => undefined, push: () => undefined }),
}));

const step = (nodeId: string, over: Partial<RunStepRow> = {}): RunStepRow => ({
  nodeId,
  nodeType: "text",
  status: "succeeded",
  attempt: 0,
  output: null,
  error: null,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T00:00:01.000Z",
  durationMs: 1000,
  ...over,
});

/** A run waiting on a person: the fetch finished, the approval started and has not ended. */
const waitingSteps = [
  step("fetch"),
  step("ask", {
    nodeType: "approval",
    status: "running",
    startedAt: "2026-01-01T00:00:01.000Z",
    finishedAt: null,
    durationMs: null,
  }),
  step("after", { status: "pending", startedAt: null, finishedAt: null, durationMs: null }),
];

describe("the run view of a live run", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders the same timeline whenever it is rendered, so hydration matches the server", () => {
    const render = () =>
      renderToStaticMarkup(
        createElement(RunTimeline, {
          steps: waitingSteps,
          runStatus: "waiting",
          selectedNodeId: null,
          onSelect: () => undefined,
        }),
      );
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-01-01T00:00:05.000Z"));
    const onServer = render();
    vi.setSystemTime(new Date("2026-01-01T01:00:00.000Z"));
    expect(render()).toBe(onServer);
    expect(onServer).toContain("waiting · —");
  });

  it("offers the decision on the waiting approval's row and in its detail, and says waiting in both", () => {
    const table = renderToStaticMarkup(
      createElement(RunSteps, {
        runId: "run_x",
        workflowId: "wf_x",
        runStatus: "waiting",
        steps: waitingSteps,
      }),
    );
    expect(table).toMatch(/<tr data-node="ask" data-status="waiting">/);
    expect(table).toContain(">Approve</button>");
    expect(table).toContain(">Reject</button>");
    // The node that has not started has made no attempt.
    expect(table).toMatch(/<tr data-node="after" data-status="pending">.*?<td>—<\/td>/);

    const detail = renderToStaticMarkup(
      createElement(NodeDetail, {
        runId: "run_x",
        runStatus: "waiting",
        node: { id: "ask", type: "approval", config: {}, parentOutputs: {}, canTakeEditedOutput: false },
        step: waitingSteps[1],
        usage: undefined,
        origin: null,
        editedOutput: null,
        onRerun: async () => undefined,
      }),
    );
    expect(detail).toContain('data-testid="node-detail-status">waiting</dd>');
    expect(detail).toContain(">Approve</button>");
    expect(detail).toContain(">Reject</button>");
    // Times render in UTC until the browser's own zone can be used after hydration.
    expect(detail).toContain('<time dateTime="2026-01-01T00:00:01.000Z">2026-01-01 00:00:01 UTC</time>');
  });

  it("shows how a finished approval was decided, on its row and in its detail", () => {
    const decided = step("ask", { nodeType: "approval", output: { decision: "rejected", decidedAt: "x" } });
    const table = renderToStaticMarkup(
      createElement(RunSteps, {
        runId: "run_x",
        workflowId: "wf_x",
        runStatus: "succeeded",
        steps: [decided],
      }),
    );
    expect(table).toContain('data-decision="rejected">rejected</span>');
    expect(table).not.toContain(">Approve</button>");
    const detail = renderToStaticMarkup(
      createElement(NodeDetail, {
        runId: "run_x",
        runStatus: "succeeded",
        node: { id: "ask", type: "approval", config: {}, parentOutputs: {}, canTakeEditedOutput: false },
        step: decided,
        usage: undefined,
        origin: null,
        editedOutput: null,
        onRerun: async () => undefined,
      }),
    );
    expect(detail).toContain('data-decision="rejected"');
  });

  it("says the changes come once the re-run finishes, then puts what changed first", () => {
    const live = renderToStaticMarkup(
      createElement(RunDiff, { runId: "run_new", sourceRunId: "run_old", finished: false }),
    );
    expect(live).toContain("Comparing when this run finishes…");

    const { differing, same } = splitDiff([
      { nodeId: "a", change: "reused", before: 1, after: 1 },
      { nodeId: "b", change: "unchanged", before: 2, after: 2 },
      { nodeId: "c", change: "changed", before: 3, after: 4 },
      { nodeId: "d", change: "edited", before: 5, after: 6 },
    ]);
    expect(differing.map((node) => node.nodeId)).toEqual(["d", "c"]);
    expect(same.map((node) => node.nodeId)).toEqual(["a", "b"]);
  });
});

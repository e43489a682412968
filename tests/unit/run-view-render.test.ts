import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { NodeDetail } from "@/components/runs/node-detail";
import { RunGraph } from "@/components/runs/run-graph";

/** The run view's pieces render what a person (and a browser test) finds by name. */
describe("the run view's markup", () => {
  it("draws the pinned graph with each node's status", () => {
    const html = renderToStaticMarkup(
      createElement(RunGraph, {
        graph: {
          nodes: [
            { id: "start", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "go" } } },
            { id: "call", type: "http", position: { x: 200, y: 0 }, data: { config: {} } },
          ],
          edges: [{ id: "e", source: "start", target: "call" }],
        },
        statuses: new Map([
          ["start", "succeeded"],
          ["call", "failed"],
        ]),
        selectedNodeId: "call",
        onSelect: () => undefined,
      }),
    );
    expect(html).toContain('aria-label="Run graph"');
    expect(html).toMatch(/class="flow-node status-failed selected"[^>]*data-node-id="call"/);
  });

  it("offers an edited re-run from a finished node that leads on", () => {
    const html = renderToStaticMarkup(
      createElement(NodeDetail, {
        runId: "run_x",
        runStatus: "failed",
        node: {
          id: "call",
          type: "http",
          config: {},
          parentOutputs: { start: { text: "go" } },
          canTakeEditedOutput: true,
        },
        step: {
          nodeId: "call",
          nodeType: "http",
          status: "failed",
          attempt: 1,
          output: null,
          error: { message: "HTTP 500", code: "http_error" },
          startedAt: "2026-01-01T00:00:00.000Z",
          finishedAt: "2026-01-01T00:00:01.000Z",
          durationMs: 1000,
        },
        usage: undefined,
        origin: null,
        editedOutput: null,
        logs: [{ seq: 4, type: "log", nodeId: "call", data: { level: "warn", message: "slow answer" } }],
        onRerun: async () => undefined,
      }),
    );
    expect(html).toContain("http_error: HTTP 500");
    // The upstream value its templates read, as it was in this run.
    expect(html).toContain("Input from upstream");
    // Its log lines, as the run's events carried them.
    expect(html).toMatch(/aria-label="Logs of call"><li><span class="muted">warn<\/span> slow answer<\/li>/);
    expect(html).toContain("&quot;go&quot;");
    expect(html).toContain(">Re-run from this node</button>");
    expect(html).toContain(">Edit output and re-run</button>");
  });
});

import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type EditorInitial, WorkflowEditor } from "@/components/editor/workflow-editor";
import { NODE_CATALOG } from "@/engine/catalog";

function initial(): EditorInitial {
  return {
    workflowId: "wf_test",
    draft: {
      name: "Greeter",
      description: "",
      tags: [],
      inputSchema: null,
      baseVersion: 3,
      updatedAt: "2026-01-01T00:00:00.000Z",
      graph: {
        nodes: [
          { id: "text_1", type: "text", position: { x: 0, y: 0 }, data: { label: "Hello", config: {} } },
          { id: "http_1", type: "http", position: { x: 300, y: 0 }, data: { label: "Call", config: {} } },
        ],
        edges: [{ id: "text_1-http_1", source: "text_1", target: "http_1" }],
      },
    },
    issues: [
      {
        path: ["body", "graph", "nodes", 1, "data", "config", "url"],
        message: "url is required",
        nodeId: "http_1",
      },
    ],
    published: { version: 3, inputSchema: null, exampleInput: {} },
  };
}

describe("workflow editor markup", () => {
  it("renders the header, palette, tools, canvas, issues and workflow panel", () => {
    const html = renderToStaticMarkup(createElement(WorkflowEditor, { initial: initial() }));
    expect(html).toContain("Draft (based on v3)");
    // Each palette button reads "Add <title> node" and shows its title.
    for (const entry of Object.values(NODE_CATALOG))
      expect(html).toContain(
        `<span class="visually-hidden">Add </span>${entry.title}<span class="visually-hidden"> node</span>`,
      );
    for (const label of [
      ">Undo<",
      ">Redo<",
      ">Delete<",
      ">Auto-layout<",
      ">Publish<",
      ">Discard draft<",
      ">Run<",
    ]) {
      expect(html).toContain(label);
    }
    expect(html).toContain('aria-label="Workflow canvas"');
    expect(html).toContain("Issues (1)");
    expect(html).toContain("url is required");
    expect(html).toContain('id="workflow-heading"');
    // Publish waits for the issues to be fixed.
    expect(html).toMatch(/<button type="button" disabled="">Publish<\/button>/);
  });
});

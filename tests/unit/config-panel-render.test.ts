import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { InputSchemaEditor } from "@/components/editor/config/input-schema-editor";
import { NodeConfigPanel } from "@/components/editor/config/node-config-panel";
import { NODE_CATALOG, NODE_TYPES } from "@/engine/catalog";

const noop = () => {};

/** Every label's `for` names exactly one element of the markup. */
function expectLabelsAssociated(html: string) {
  const targets = [...html.matchAll(/<label for="([^"]+)"/g)].map((match) => match[1]);
  expect(targets.length).toBeGreaterThan(0);
  expect(new Set(targets).size).toBe(targets.length);
  for (const id of targets) expect(html.split(`id="${id}"`).length - 1, id).toBe(1);
}

describe("node config panel markup", () => {
  it.each(NODE_TYPES)("renders a %s node with a label for every input", (type) => {
    const html = renderToStaticMarkup(
      createElement(NodeConfigPanel, {
        node: { id: "n1", type, data: { config: NODE_CATALOG[type].defaultConfig } },
        issues: [],
        onChange: noop,
        onRename: noop,
      }),
    );
    expect(html).toContain(NODE_CATALOG[type].title);
    expect(html).toContain(">Settings</summary>");
    expectLabelsAssociated(html);
  });

  it("marks the field a server issue names and lists the rest at the top", () => {
    const html = renderToStaticMarkup(
      createElement(NodeConfigPanel, {
        node: { id: "fetch", type: "http", data: { config: { method: "GET", url: "ftp://x" } } },
        issues: [
          { path: ["data", "config", "url"], message: "Server says no" },
          { path: [], message: "Not connected" },
        ],
        onChange: noop,
        onRename: noop,
      }),
    );
    const url = /<input[^>]*name="url"[^>]*>/.exec(html)?.[0] ?? "";
    expect(url).toContain('aria-invalid="true"');
    const errorId = /aria-describedby="([^"]*-error)"/.exec(url)?.[1];
    expect(errorId).toBeDefined();
    const errors = new RegExp(`<ul id="${errorId}"[^>]*>(.*?)</ul>`).exec(html)?.[1] ?? "";
    expect(errors).toContain("URL must use http: or https:");
    expect(errors).toContain("Server says no");
    expect(html).toMatch(/aria-label="Node issues"><li>Not connected<\/li>/);
  });
});

describe("input schema editor markup", () => {
  it("says any input for no schema", () => {
    const html = renderToStaticMarkup(
      createElement(InputSchemaEditor, { value: null, issues: [], onChange: noop }),
    );
    expect(html).toContain("Any input");
    expect(html).toContain(">Add field</button>");
  });

  it("lists fields with a remove button each, and opens the JSON view for what it cannot list", () => {
    const listed = renderToStaticMarkup(
      createElement(InputSchemaEditor, {
        value: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
        issues: [],
        onChange: noop,
      }),
    );
    expect(listed).toContain(">Remove email</button>");
    expectLabelsAssociated(listed);
    const json = renderToStaticMarkup(
      createElement(InputSchemaEditor, { value: { type: "array" }, issues: [], onChange: noop }),
    );
    expect(json).toContain("Input schema (JSON)");
  });
});

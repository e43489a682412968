import { describe, expect, it } from "vitest";
import { describePath, routeInputSchemaIssues, routeIssues } from "@/components/editor/config/issue-routing";
import {
  configIssues,
  nodeFormOf,
  SETTINGS_FIELDS,
  settingsIssues,
} from "@/components/editor/config/node-form";

const HTTP_FIELDS = nodeFormOf("http", {}).fields.map((field) => field.name);

describe("node issue routing", () => {
  it("puts a server issue at data.config.url on the url field", () => {
    const routed = routeIssues({
      fields: HTTP_FIELDS,
      serverIssues: [{ path: ["data", "config", "url"], message: "URL must use http: or https:" }],
    });
    expect(routed.byField.get("url")).toEqual(["URL must use http: or https:"]);
    expect(routed.general).toEqual([]);
  });

  it("names the part of a field a deeper path points at", () => {
    const routed = routeIssues({
      fields: HTTP_FIELDS,
      serverIssues: [{ path: ["data", "config", "headers", "Bad Name"], message: "Invalid header name" }],
    });
    expect(routed.byField.get("headers")).toEqual(["Bad Name: Invalid header name"]);
  });

  it("shows node-level, id, label, settings and unknown-key issues at the top", () => {
    const routed = routeIssues({
      fields: HTTP_FIELDS,
      serverIssues: [
        { path: [], message: "Not connected to the graph" },
        { path: ["id"], message: "Duplicate node id" },
        { path: ["data", "label"], message: "Too long" },
        { path: ["data", "settings", "retries"], message: "Too big" },
        { path: ["data", "config", "nope"], message: "Unrecognized key" },
        { path: ["data", "config"], message: "Invalid input" },
      ],
    });
    expect(routed.byField.size).toBe(0);
    expect(routed.general).toEqual([
      "Not connected to the graph",
      "Id: Duplicate node id",
      "Label: Too long",
      "Settings › retries: Too big",
      "Config › nope: Unrecognized key",
      "Config: Invalid input",
    ]);
  });

  it("merges the live check with the server's issues, once per message", () => {
    const config = { method: "GET", url: "" };
    const clientIssues = configIssues("http", config);
    expect(clientIssues).toEqual([{ path: ["url"], message: "URL is required" }]);
    const routed = routeIssues({
      fields: HTTP_FIELDS,
      serverIssues: [{ path: ["data", "config", "url"], message: "URL is required" }],
      clientIssues,
    });
    expect(routed.byField.get("url")).toEqual(["URL is required"]);
  });

  it("checks refinements across fields live (a GET with a body)", () => {
    const issues = configIssues("http", { method: "GET", url: "https://example.com", body: "x" });
    const routed = routeIssues({ fields: HTTP_FIELDS, serverIssues: [], clientIssues: issues });
    expect(routed.byField.get("body")).toEqual(["A GET request cannot have a body"]);
  });

  it("puts live settings issues on the settings fields", () => {
    const routed = routeIssues({
      fields: HTTP_FIELDS,
      serverIssues: [],
      settingsFields: SETTINGS_FIELDS.map((field) => field.name),
      settingsIssues: settingsIssues({ retries: 99, extra: true }),
    });
    expect(routed.bySetting.get("retries")?.[0]).toMatch(/10/);
    expect(routed.general).toEqual([expect.stringMatching(/^Settings: .*extra/)]);
  });

  it("has no live issues for a valid default config nor for an unknown type", () => {
    expect(configIssues("http", { method: "GET", url: "https://example.com" })).toEqual([]);
    expect(configIssues("no-such-type", { anything: 1 })).toEqual([]);
  });

  it("describes paths", () => {
    expect(describePath([])).toBe("");
    expect(describePath(["position", "x"])).toBe("position.x");
  });
});

describe("input schema issue routing", () => {
  it("puts issues under properties.<name> on that field", () => {
    const routed = routeInputSchemaIssues([
      { path: ["inputSchema", "properties", "email", "pattern"], message: "Invalid pattern" },
      { path: ["properties", "age"], message: "Unsupported type" },
      { path: ["inputSchema"], message: "Not a JSON Schema" },
      { path: [], message: "Too large" },
    ]);
    expect(routed.byField.get("email")).toEqual(["pattern: Invalid pattern"]);
    expect(routed.byField.get("age")).toEqual(["Unsupported type"]);
    expect(routed.general).toEqual(["inputSchema: Not a JSON Schema", "Too large"]);
  });
});

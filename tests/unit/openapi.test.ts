import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/server/openapi/build-document";

/** The document must describe exactly the routes that exist under src/app/api/v1. */

const V1_DIR = path.resolve(import.meta.dirname, "../../src/app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type RouteFile = { file: string; path: string; methods: string[]; text: string };

function routeFiles(): RouteFile[] {
  return readdirSync(V1_DIR, { recursive: true })
    .map(String)
    .filter((file) => path.basename(file) === "route.ts")
    .map((file) => {
      const text = readFileSync(path.join(V1_DIR, file), "utf8");
      const segments = path
        .dirname(file)
        .split(path.sep)
        .filter((s) => s !== ".");
      const template = segments.map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
      const methods = METHODS.filter((m) =>
        new RegExp(`export\\s+(const|(async\\s+)?function)\\s+${m}\\b`).test(text),
      );
      return { file, path: `/api/v1/${template}`, methods, text };
    });
}

/** The one route outside /api/v1 the document describes: where webhook senders deliver. */
const RECEIVER = {
  file: "webhooks/[webhookId]/route.ts",
  path: "/api/webhooks/{webhookId}",
  methods: ["POST"],
  text: readFileSync(path.resolve(V1_DIR, "../webhooks/[webhookId]/route.ts"), "utf8"),
};

type Operation = {
  operationId: string;
  security: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  responses: Record<string, { description: string; content?: unknown }>;
};

describe("OpenAPI document of /api/v1", () => {
  const document = buildOpenApiDocument();
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const routes = [...routeFiles(), RECEIVER];
  const operations = Object.entries(paths).flatMap(([p, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ path: p, method, op })),
  );

  it("is an OpenAPI 3.1 document with a bearer scheme and the error shape", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.title).toBeTruthy();
    expect(document.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
    const error = document.components.schemas.Error as { properties: { error: { required: string[] } } };
    expect(error.properties.error.required).toEqual(["code", "message", "requestId"]);
    expect(JSON.stringify(document)).not.toContain("$schema");
  });

  it("finds the route files", () => {
    expect(routes.length).toBeGreaterThanOrEqual(7);
  });

  it("documents every method of every route file, and nothing that has no route", () => {
    const fromRoutes = routes.flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} ${r.path}`)).sort();
    const documented = operations.map((o) => `${o.method} ${o.path}`).sort();
    expect(documented).toEqual(fromRoutes);
  });

  it("starts every route file with a `// METHOD /path – purpose` line per method", () => {
    for (const route of routes) {
      for (const method of route.methods) {
        const shown = route.path.replace(/\{(\w+)\}/g, ":$1");
        expect(route.text, route.file).toMatch(new RegExp(`^(// .*\\n)*// ${method} ${shown} – \\S`));
      }
    }
  });

  it("gives every operation a unique id, its path parameters, and its errors in the one shape", () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path: p, method, op } of operations) {
      const where = `${method} ${p}`;
      const templateParams = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const pathParams = (op.parameters ?? []).filter((param) => param.in === "path");
      expect(
        pathParams.map((param) => param.name),
        where,
      ).toEqual(templateParams);
      expect(
        pathParams.every((param) => param.required),
        where,
      ).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${where} ${status}`).toBeTruthy();
        if (Number(status) >= 400)
          expect(JSON.stringify(response.content), `${where} ${status}`).toContain("Error");
      }
    }
  });

  it("asks every operation but the document itself for a key with one scope, and says it can be refused", () => {
    for (const { path: p, method, op } of operations) {
      if (p === "/api/v1/openapi.json" || p === "/api/webhooks/{webhookId}") {
        expect(op.security).toEqual([]);
        continue;
      }
      expect(op.security, `${method} ${p}`).toEqual([
        { apiKey: [expect.stringMatching(/^(workflows|runs|webhooks|schedules):(read|write)$/)] },
      ]);
      expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(["401", "403"]));
    }
  });

  it("gives every success a body schema, with the named shapes as components", () => {
    for (const { path: p, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        // 204 No Content has, by definition, no body.
        if (Number(status) >= 300 || status === "204") continue;
        const content = response.content as Record<string, { schema?: Record<string, unknown> }> | undefined;
        const schemas = Object.values(content ?? {}).map((media) => media.schema);
        expect(schemas.length, `${method} ${p} ${status}`).toBe(1);
        expect(schemas[0], `${method} ${p} ${status}`).toBeTruthy();
      }
    }
    const components = document.components.schemas as Record<string, Record<string, unknown>>;
    for (const name of [
      "Workflow",
      "WorkflowGraph",
      "Node",
      "Edge",
      "Run",
      "RunSummary",
      "RunStep",
      "RunEvent",
    ])
      expect(components[name], name).toBeTruthy();
    expect(JSON.stringify(components.Workflow)).toContain('"#/components/schemas/WorkflowGraph"');
    expect(JSON.stringify(components.RunSummary)).toContain('"pinned"');
    const getRun = paths["/api/v1/runs/{runId}"]?.get?.responses["200"];
    expect(getRun?.content).toEqual({ "application/json": { schema: { $ref: "#/components/schemas/Run" } } });
  });

  it("describes query parameters and bodies from the routes' zod schemas", () => {
    const list = paths["/api/v1/runs"]?.get;
    expect(list?.parameters?.map((param) => param.name)).toEqual(["workflowId", "status", "limit", "cursor"]);
    const start = paths["/api/v1/workflows/{workflowId}/runs"]?.post as Operation & {
      requestBody: { content: { "application/json": { schema: { properties: Record<string, unknown> } } } };
    };
    expect(Object.keys(start.requestBody.content["application/json"].schema.properties)).toEqual([
      "input",
      "idempotencyKey",
      "fromNodeId",
      "sourceRunId",
      "version",
      "output",
    ]);
    expect(start.parameters).toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key", in: "header" }),
    );
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_SCOPES } from "@/contracts/access-kinds";
import { type CreatedKey, createKeyViaSession } from "../helpers/api-client";
import { useStack } from "../helpers/stack";

/**
 * The served OpenAPI document is good enough to generate a client from: types from
 * openapi-typescript, a client program on openapi-fetch that calls every /api/v1 operation
 * type-checks under `--strict` without a single cast, and every answer it gets matches the
 * document's schema for that status.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const ALL_SCOPES = [...API_KEY_SCOPES];

/** The client a user would write; `drain` lets the test's engine finish queued runs without sleeping. */
const CLIENT_SOURCE = `
import { createHmac } from "node:crypto";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type Exchange = { path: string; method: string; status: number; mediaType: string; body: unknown };
type Run = components["schemas"]["Run"];

export async function exercise(baseUrl: string, key: string, drain: () => Promise<void>): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  const client = createClient<paths>({ baseUrl, headers: { authorization: "Bearer " + key } });
  client.use({
    async onResponse({ request, response, schemaPath }) {
      const text = await response.clone().text();
      const mediaType = (response.headers.get("content-type") ?? "").split(";")[0] ?? "";
      const body: unknown = mediaType === "application/json" ? JSON.parse(text) : text;
      exchanges.push({ path: schemaPath, method: request.method.toLowerCase(), status: response.status, mediaType, body });
    },
  });
  function must<T>(step: string, answer: { data?: T; response: Response }): T {
    if (answer.data === undefined) throw new Error(step + " answered " + answer.response.status);
    return answer.data;
  }
  const text = (id: string, template: string) => ({
    id, type: "text", position: { x: 0, y: 0 }, data: { config: { template } },
  });

  const created = must("createWorkflow", await client.POST("/api/v1/workflows", {
    body: { name: "typed client", graph: { nodes: [text("hello", "Hi {{ input.name }}")], edges: [] } },
  }));
  const workflowId: string = created.id;
  const path = { workflowId };
  const workflow = must("getWorkflow", await client.GET("/api/v1/workflows/{workflowId}", { params: { path } }));
  const firstNodeType: "text" | "transform" | "condition" | "delay" | "http" | "debug" | "approval"
    | "subworkflow" | "llm" | "vision" | "sql" | "agent" | undefined = workflow.graph.nodes[0]?.type;
  if (firstNodeType !== "text") throw new Error("graph lost its node type");
  const saved = must("updateWorkflow", await client.PUT("/api/v1/workflows/{workflowId}", {
    params: { path },
    body: { graph: { nodes: [text("hello", "Hello {{ input.name }}")], edges: [] } },
  }));
  if (saved.version !== 2) throw new Error("update did not save version 2");
  const listed = must("listWorkflows", await client.GET("/api/v1/workflows", { params: { query: { limit: 10 } } }));
  if (!listed.data.some((w) => w.id === workflowId)) throw new Error("workflow not listed");

  const start = (name: string, idempotencyKey?: string) =>
    client.POST("/api/v1/workflows/{workflowId}/runs", {
      params: { path, header: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {} },
      body: { input: { name } },
    });
  const first = must("startRun", await start("Ada", "typed-client-1"));
  const replayed = must("startRun (replay)", await start("Ada", "typed-client-1"));
  if (replayed.runId !== first.runId) throw new Error("idempotent retry started another run");
  must("startRun", await start("Grace"));
  await drain();

  const run: Run = must("getRun", await client.GET("/api/v1/runs/{runId}", { params: { path: { runId: first.runId } } }));
  const pinned: boolean = run.pinned;
  if (run.status !== "succeeded" || pinned) throw new Error("run " + run.status);

  const page = must("listRuns", await client.GET("/api/v1/runs", { params: { query: { workflowId, limit: 1 } } }));
  if (!page.nextCursor) throw new Error("expected a second page");
  const next = must("listRuns (cursor)", await client.GET("/api/v1/runs", {
    params: { query: { workflowId, limit: 1, cursor: page.nextCursor } },
  }));
  if (next.data[0]?.id === page.data[0]?.id) throw new Error("cursor did not advance");

  const nodePath = { workflowId, nodeId: "hello" };
  const block = must("runNode", await client.POST("/api/v1/workflows/{workflowId}/nodes/{nodeId}/run", {
    params: { path: nodePath, query: {} },
    body: { input: { name: "Lin" } },
  }));
  if (!("step" in block) || block.step?.nodeId !== "hello") throw new Error("block run did not finish");
  const later = await client.POST("/api/v1/workflows/{workflowId}/nodes/{nodeId}/run", {
    params: { path: nodePath, query: { wait: 0 } },
    body: { input: { name: "Lin" } },
  });
  if (later.response.status !== 202) throw new Error("wait=0 answered " + later.response.status);

  // Webhooks: an endpoint, a delivery signed the Standard Webhooks way, its log, a replay, a rotation.
  const hook = must("createWebhook", await client.POST("/api/v1/workflows/{workflowId}/webhooks", {
    params: { path },
    body: { name: "typed client hook" },
  }));
  const hookPath = { workflowId, webhookId: hook.id };
  const hooks = must("listWebhooks", await client.GET("/api/v1/workflows/{workflowId}/webhooks", { params: { path } }));
  if (!hooks.data.some((h) => h.id === hook.id)) throw new Error("webhook not listed");
  must("getWebhook", await client.GET("/api/v1/workflows/{workflowId}/webhooks/{webhookId}", { params: { path: hookPath } }));
  must("updateWebhook", await client.PATCH("/api/v1/workflows/{workflowId}/webhooks/{webhookId}", {
    params: { path: hookPath },
    body: { name: "renamed hook" },
  }));
  const payload = { name: "Hook" };
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", Buffer.from(hook.secret.slice("whsec_".length), "base64"))
    .update("msg_typed_1." + timestamp + "." + JSON.stringify(payload))
    .digest("base64");
  const delivered = must("receiveWebhook", await client.POST("/api/webhooks/{webhookId}", {
    params: {
      path: { webhookId: hook.id },
      header: { "webhook-id": "msg_typed_1", "webhook-timestamp": timestamp, "webhook-signature": "v1," + signature },
    },
    body: payload,
  }));
  const deliveries = must("listWebhookDeliveries", await client.GET(
    "/api/v1/workflows/{workflowId}/webhooks/{webhookId}/deliveries",
    { params: { path: hookPath, query: {} } },
  ));
  const accepted = deliveries.data.find((d) => d.outcome === "accepted");
  if (!accepted || accepted.runId !== delivered.runId) throw new Error("delivery not logged with its run");
  must("replayWebhookDelivery", await client.POST(
    "/api/v1/workflows/{workflowId}/webhooks/{webhookId}/deliveries/{deliveryId}/replay",
    { params: { path: { ...hookPath, deliveryId: accepted.id } } },
  ));
  must("rotateWebhookSecret", await client.POST("/api/v1/workflows/{workflowId}/webhooks/{webhookId}/rotate", {
    params: { path: hookPath },
    body: { graceSeconds: 0 },
  }));
  must("deleteWebhook", await client.DELETE("/api/v1/workflows/{workflowId}/webhooks/{webhookId}", {
    params: { path: hookPath },
  }));

  // Schedules: disabled, so nothing fires while the test runs.
  const schedule = must("createSchedule", await client.POST("/api/v1/workflows/{workflowId}/schedules", {
    params: { path },
    body: { cron: "0 9 * * *", timezone: "Europe/Berlin", input: { name: "Cron" }, enabled: false },
  }));
  const schedulePath = { scheduleId: schedule.id };
  const schedules = must("listSchedules", await client.GET("/api/v1/workflows/{workflowId}/schedules", { params: { path } }));
  if (!schedules.data.some((entry) => entry.id === schedule.id)) throw new Error("schedule not listed");
  must("getSchedule", await client.GET("/api/v1/schedules/{scheduleId}", { params: { path: schedulePath } }));
  const changed = must("updateSchedule", await client.PATCH("/api/v1/schedules/{scheduleId}", {
    params: { path: schedulePath },
    body: { catchUp: "run_once" },
  }));
  if (changed.catchUp !== "run_once") throw new Error("schedule not changed");
  const removed = await client.DELETE("/api/v1/schedules/{scheduleId}", { params: { path: schedulePath } });
  if (removed.response.status !== 204) throw new Error("deleteSchedule answered " + removed.response.status);

  // A run that sleeps for an hour is still live when it is cancelled (a quick one could finish first).
  const sleeper = must("createWorkflow", await client.POST("/api/v1/workflows", {
    body: {
      name: "typed client sleeper",
      graph: { nodes: [{ id: "nap", type: "delay", position: { x: 0, y: 0 }, data: { config: { duration: "1h" } } }], edges: [] },
    },
  }));
  const queued = must("startRun", await client.POST("/api/v1/workflows/{workflowId}/runs", {
    params: { path: { workflowId: sleeper.id }, header: {} },
    body: { input: {} },
  }));
  const cancelled = must("cancelRun", await client.POST("/api/v1/runs/{runId}/cancel", {
    params: { path: { runId: queued.runId } },
  }));
  if (cancelled.status !== "cancelled") throw new Error("not cancelled: " + cancelled.status);

  const stream = await client.GET("/api/v1/runs/{runId}/stream", {
    params: { path: { runId: first.runId }, query: {}, header: {} },
    parseAs: "text",
  });
  if (typeof stream.data !== "string" || !stream.data.includes("event: end")) throw new Error("stream did not end");

  const document = must("getOpenApiDocument", await client.GET("/api/v1/openapi.json"));
  if (document.openapi !== "3.1.0") throw new Error("not OpenAPI 3.1");
  await drain();
  return exchanges;
}
`;

type Exchange = { path: string; method: string; status: number; mediaType: string; body: unknown };
type Json = Record<string, unknown>;

describe("a typed client generated from /api/v1/openapi.json", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  let key: CreatedKey;
  // Inside the repo (and git-ignored) so the program resolves openapi-fetch from node_modules.
  const dir = mkdtempSync(path.join(ROOT, ".test-data", "openapi-client-"));
  beforeAll(async () => {
    key = await createKeyViaSession(stack(), ALL_SCOPES);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("type-checks without casts, calls every operation, and every answer matches its schema", async () => {
    const served = await fetch(`${stack().app.url}/api/v1/openapi.json`);
    expect(served.status).toBe(200);
    const servedText = await served.text();
    const document = JSON.parse(servedText) as Json & { paths: Record<string, Record<string, Json>> };

    writeFileSync(path.join(dir, "schema.d.ts"), astToString(await openapiTS(servedText)));
    writeFileSync(path.join(dir, "client.ts"), CLIENT_SOURCE);
    // No `x as T` and no `<T>x`: every type comes from the generated schema.
    expect(CLIENT_SOURCE).not.toMatch(/\bas\b|(^|[=(,:?]\s*)<\w+>/m);
    await promisify(execFile)(
      path.join(ROOT, "node_modules/.bin/tsc"),
      ["--strict", "--noEmit", "--skipLibCheck", "--target", "es2022", "--module", "nodenext", "client.ts"],
      { cwd: dir },
    ).catch((error: { stdout?: string }) => {
      throw new Error(`the client does not type-check:\n${error.stdout}`);
    });

    const client = (await import(path.join(dir, "client.ts"))) as {
      exercise: (baseUrl: string, key: string, drain: () => Promise<void>) => Promise<Exchange[]>;
    };
    const exchanges = await client.exercise(stack().app.url, key.secret, () => stack().engine.drain());

    const called = new Set(exchanges.map((e) => `${e.method} ${e.path}`));
    const documented = Object.entries(document.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => `${method} ${p}`),
    );
    expect([...called].sort()).toEqual(documented.sort());

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    // The document's own `#/components/...` refs resolve against it as a whole.
    ajv.addSchema(document, "openapi.json");
    for (const exchange of exchanges) {
      const where = `${exchange.method} ${exchange.path} ${exchange.status}`;
      if (exchange.status === 204) {
        // No content: the document must say so, and the answer must hold none.
        expect(document.paths[exchange.path]?.[exchange.method], where).toMatchObject({
          responses: { "204": expect.not.objectContaining({ content: expect.anything() }) },
        });
        expect(exchange.body, where).toBe("");
        continue;
      }
      const pointer = ["paths", exchange.path, exchange.method, "responses", String(exchange.status)]
        .concat(["content", exchange.mediaType, "schema"])
        .map((segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1"))
        .join("/");
      const validate = ajv.getSchema(`openapi.json#/${pointer}`);
      expect(validate, `${where}: no schema for ${exchange.mediaType}`).toBeTruthy();
      const valid = validate?.(exchange.body);
      expect(valid, `${where}: ${ajv.errorsText(validate?.errors)}`).toBe(true);
    }
    expect(exchanges.map((e) => e.status).sort()).toEqual(expect.arrayContaining([200, 201, 202]));
  });
});

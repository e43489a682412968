import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

/**
 * The routes the web editor and the workflow list use: drafts and publish, duplicate, delete,
 * export/import, and the list's run counts. Cross-workspace 404s are in tests/e2e/isolation-matrix.
 */

type Issue = { path: (string | number)[]; message: string; code?: string; nodeId?: string; field?: string };
type ErrorBody = { error: { code: string; message: string; issues?: Issue[] } };
type Draft = {
  draft: {
    workflowId: string;
    baseVersion: number;
    name: string;
    graph: { nodes: unknown[]; edges: unknown[] };
    updatedAt: string | null;
  };
  issues: Issue[];
};
type Workflow = {
  id: string;
  name: string;
  version: number;
  graph: { nodes: Array<{ id: string }> };
  inputSchema: unknown;
};

const goodGraph = { nodes: [node("hello", "text", { template: "Hi {{ input.name }}" })], edges: [] };

describe("workflow editor API (pglite)", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });

  async function create(name: string) {
    const created = await stack().api<Workflow>("POST", "/api/workflows", { name, graph: goodGraph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  it("offers the current version as a fresh draft when none is stored", async () => {
    const wf = await create("fresh");
    const got = await stack().api<Draft>("GET", `/api/workflows/${wf.id}/draft`);
    expect(got.status).toBe(200);
    expect(got.body.draft).toMatchObject({
      workflowId: wf.id,
      baseVersion: 1,
      name: "fresh",
      updatedAt: null,
    });
    expect(got.body.draft.graph.nodes).toHaveLength(1);
    expect(got.body.issues).toEqual([]);
  });

  it("stores a lenient draft with its issues, refuses to publish it, then publishes the fixed one", async () => {
    const wf = await create("drafty");
    const broken = {
      name: "drafty v2",
      graph: {
        nodes: [node("a", "text", { template: "x" }), node("fetch", "http", { method: "GET", url: 42 })],
        edges: [edge("a", "ghost")],
      },
    };
    const saved = await stack().api<Draft>("PUT", `/api/workflows/${wf.id}/draft`, broken);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.draft.updatedAt).not.toBeNull();
    expect(saved.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "dangling_edge", message: expect.stringMatching(/ghost/) }),
        expect.objectContaining({ code: "invalid_config", nodeId: "fetch", field: "config.url" }),
      ]),
    );

    const reread = await stack().api<Draft>("GET", `/api/workflows/${wf.id}/draft`);
    expect(reread.body.draft.graph).toEqual(broken.graph);
    expect(reread.body.issues).toEqual(saved.body.issues);

    const refused = await stack().api<ErrorBody>("POST", `/api/workflows/${wf.id}/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("invalid_graph");
    expect(refused.body.error.issues?.map((i) => i.code)).toEqual(saved.body.issues.map((i) => i.code));
    const unchanged = await stack().api<Workflow>("GET", `/api/workflows/${wf.id}`);
    expect(unchanged.body).toMatchObject({ version: 1, name: "drafty" });

    const fixed = await stack().api<Draft>("PUT", `/api/workflows/${wf.id}/draft`, {
      name: "drafty v2",
      graph: {
        nodes: [node("a", "text", { template: "x" }), node("b", "text", { template: "y" })],
        edges: [edge("a", "b")],
      },
    });
    expect(fixed.body.issues).toEqual([]);
    expect(fixed.body.draft.baseVersion).toBe(1);

    const published = await stack().api<Workflow>("POST", `/api/workflows/${wf.id}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ id: wf.id, version: 2, name: "drafty v2" });
    expect(published.body.graph.nodes.map((n) => n.id)).toEqual(["a", "b"]);

    // The draft is gone: the editor now starts from version 2.
    const after = await stack().api<Draft>("GET", `/api/workflows/${wf.id}/draft`);
    expect(after.body.draft).toMatchObject({ baseVersion: 2, updatedAt: null, name: "drafty v2" });
    const nothing = await stack().api<ErrorBody>("POST", `/api/workflows/${wf.id}/publish`);
    expect(nothing.status).toBe(409);
  });

  it("refuses to publish a draft that breaks a field rule of PUT (an empty name)", async () => {
    const wf = await create("named");
    const saved = await stack().api<Draft>("PUT", `/api/workflows/${wf.id}/draft`, {
      name: "",
      graph: goodGraph,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.issues).toEqual([expect.objectContaining({ path: ["body", "name"] })]);
    const refused = await stack().api<ErrorBody>("POST", `/api/workflows/${wf.id}/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.issues?.[0]?.path).toEqual(["body", "name"]);
  });

  it("refuses a draft of the wrong shape, bad JSON or beyond the graph size limit, and discards one", async () => {
    const wf = await create("shapes");
    const noEdges = await stack().api<ErrorBody>("PUT", `/api/workflows/${wf.id}/draft`, {
      name: "x",
      graph: { nodes: [] },
    });
    expect(noEdges.status).toBe(422);
    const extra = await stack().api("PUT", `/api/workflows/${wf.id}/draft`, { graph: goodGraph, nope: 1 });
    expect(extra.status).toBe(422);
    const badJson = await fetch(`${stack().app.url}/api/workflows/${wf.id}/draft`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(badJson.status).toBe(400);
    const huge = await stack().api<ErrorBody>("PUT", `/api/workflows/${wf.id}/draft`, {
      name: "x",
      graph: { nodes: [node("a", "text", { template: "x".repeat(300 * 1024) })], edges: [] },
    });
    expect(huge.status).toBe(413);

    await stack().api("PUT", `/api/workflows/${wf.id}/draft`, { name: "kept?", graph: goodGraph });
    const discarded = await stack().api("DELETE", `/api/workflows/${wf.id}/draft`);
    expect(discarded.status).toBe(204);
    const fresh = await stack().api<Draft>("GET", `/api/workflows/${wf.id}/draft`);
    expect(fresh.body.draft).toMatchObject({ name: "shapes", updatedAt: null });
  });

  it("duplicates a workflow as a new version 1 named '<name> (copy)'", async () => {
    const wf = await create("original");
    const copy = await stack().api<Workflow>("POST", `/api/workflows/${wf.id}/duplicate`);
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    expect(copy.body).toMatchObject({ name: "original (copy)", version: 1 });
    expect(copy.body.id).not.toBe(wf.id);
    expect(copy.body.graph).toEqual(wf.graph);
  });

  it("soft-deletes a workflow: 404 afterwards, out of the list, its runs kept", async () => {
    const wf = await create("doomed");
    const run = await stack().api<{ runId: string }>("POST", `/api/workflows/${wf.id}/runs`, {
      input: { name: "x" },
    });
    expect(run.status).toBe(202);
    await stack().engine.drain();
    const deleted = await stack().api("DELETE", `/api/workflows/${wf.id}`);
    expect(deleted.status).toBe(204);
    expect((await stack().api("GET", `/api/workflows/${wf.id}`)).status).toBe(404);
    expect((await stack().api("DELETE", `/api/workflows/${wf.id}`)).status).toBe(404);
    expect((await stack().api("GET", `/api/workflows/${wf.id}/draft`)).status).toBe(404);
    const list = await stack().api<{ data: Array<{ id: string }> }>("GET", "/api/workflows?limit=100");
    expect(list.body.data.map((w) => w.id)).not.toContain(wf.id);
    const kept = await stack().api<{ status: string }>("GET", `/api/runs/${run.body.runId}`);
    expect(kept.status).toBe(200);
    expect(kept.body.status).toBe("succeeded");
  });

  it("exports a self-contained document that import turns into a new workflow", async () => {
    const created = await stack().api<Workflow>("POST", "/api/workflows", {
      name: "portable",
      description: "travels",
      tags: ["demo"],
      graph: goodGraph,
      inputSchema: { type: "object", properties: { name: { type: "string" } } },
    });
    const exported = await stack().api<Record<string, unknown>>(
      "GET",
      `/api/workflows/${created.body.id}/export`,
    );
    expect(exported.status).toBe(200);
    expect(exported.body).toEqual({
      format: "stepwise.workflow",
      formatVersion: 1,
      name: "portable",
      description: "travels",
      tags: ["demo"],
      inputSchema: created.body.inputSchema,
      graph: created.body.graph,
    });

    const imported = await stack().api<Workflow>("POST", "/api/workflows/import", exported.body);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ name: "portable", version: 1, graph: created.body.graph });
    expect(imported.body.id).not.toBe(created.body.id);

    for (const [field, value] of [
      ["format", "n8n.workflow"],
      ["formatVersion", 2],
    ] as const) {
      const wrong = await stack().api<ErrorBody>("POST", "/api/workflows/import", {
        ...exported.body,
        [field]: value,
      });
      expect(wrong.status, field).toBe(422);
      expect(wrong.body.error.message, field).toContain(field);
      expect(wrong.body.error.issues?.[0]?.path).toEqual(["body", field]);
    }
    const invalidGraph = await stack().api<ErrorBody>("POST", "/api/workflows/import", {
      ...exported.body,
      graph: { nodes: [node("a", "text", { template: "x" })], edges: [edge("a", "ghost")] },
    });
    expect(invalidGraph.status).toBe(422);
    expect(invalidGraph.body.error.code).toBe("invalid_graph");
  });

  it("lists each workflow with its run count and last run (v1 list unchanged)", async () => {
    const ran = await create("ran twice");
    const idle = await create("never ran");
    for (const name of ["one", "two"]) {
      const started = await stack().api("POST", `/api/workflows/${ran.id}/runs`, { input: { name } });
      expect(started.status).toBe(202);
    }
    await stack().engine.drain();
    const list = await stack().api<{
      data: Array<{ id: string; runCount: number; lastRun: { status: string; createdAt: string } | null }>;
    }>("GET", "/api/workflows?limit=100");
    expect(list.status).toBe(200);
    const byId = Object.fromEntries(list.body.data.map((w) => [w.id, w]));
    expect(byId[ran.id]).toMatchObject({ runCount: 2, lastRun: { status: "succeeded" } });
    expect(Date.parse(byId[ran.id]?.lastRun?.createdAt ?? "")).not.toBeNaN();
    expect(byId[idle.id]).toMatchObject({ runCount: 0, lastRun: null });
  });
});

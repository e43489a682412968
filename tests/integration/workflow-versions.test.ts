import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";

/**
 * Version history: listing and reading immutable versions, restoring one into the draft (published as
 * the next version), and the stale-draft check of publish. Cross-workspace 404s are in
 * tests/e2e/isolation-matrix.
 */

type ErrorBody = { error: { code: string; message: string } };
type Graph = { nodes: Array<{ id: string }>; edges: Array<{ id: string }> };
type Workflow = { id: string; version: number; graph: Graph; tags: string[] };
type VersionList = {
  currentVersion: number;
  data: Array<{ version: number; createdAt: string; nodeCount: number; edgeCount: number }>;
};
type Version = { workflowId: string; version: number; name: string; graph: Graph; inputSchema: unknown };
type Draft = {
  draft: { baseVersion: number; graph: Graph; name: string; tags: string[] };
  issues: unknown[];
};

const v1Graph = { nodes: [node("hello", "text", { template: "v1" })], edges: [] };
const v2Graph = {
  nodes: [node("hello", "text", { template: "v2" }), node("bye", "text", { template: "bye" })],
  edges: [edge("hello", "bye")],
};
const v1Schema = { type: "object", properties: { name: { type: "string" } } };

describe("workflow versions (pglite)", () => {
  const stack = useStack({ driver: "pglite" });

  async function createWithTwoVersions() {
    const created = await stack().api<Workflow>("POST", "/api/workflows", {
      name: "versioned",
      tags: ["ops"],
      graph: v1Graph,
      inputSchema: v1Schema,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const saved = await stack().api<Workflow>("PUT", `/api/workflows/${created.body.id}`, {
      graph: v2Graph,
      inputSchema: null,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    return created.body.id;
  }

  it("lists versions newest first and reads one in full", async () => {
    const id = await createWithTwoVersions();
    const list = await stack().api<VersionList>("GET", `/api/workflows/${id}/versions`);
    expect(list.status).toBe(200);
    expect(list.body.currentVersion).toBe(2);
    expect(list.body.data.map(({ createdAt: _, ...row }) => row)).toEqual([
      { version: 2, nodeCount: 2, edgeCount: 1 },
      { version: 1, nodeCount: 1, edgeCount: 0 },
    ]);
    expect(Date.parse(list.body.data[0]?.createdAt ?? "")).not.toBeNaN();

    const v1 = await stack().api<Version>("GET", `/api/workflows/${id}/versions/1`);
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ workflowId: id, version: 1, name: "versioned", inputSchema: v1Schema });
    expect(v1.body.graph.nodes.map((n) => n.id)).toEqual(["hello"]);
  });

  it("answers 404 for a version that does not exist or is not a version number", async () => {
    const id = await createWithTwoVersions();
    for (const version of ["3", "0", "-1", "1.5", "abc", "99999999999"]) {
      const got = await stack().api<ErrorBody>("GET", `/api/workflows/${id}/versions/${version}`);
      expect(got.status, version).toBe(404);
      const restored = await stack().api<ErrorBody>(
        "POST",
        `/api/workflows/${id}/versions/${version}/restore`,
      );
      expect(restored.status, version).toBe(404);
    }
    expect((await stack().api("GET", "/api/workflows/wf_missing/versions")).status).toBe(404);
  });

  it("restores an old version into the draft, and publishing it makes the next version with the old graph", async () => {
    const id = await createWithTwoVersions();
    await stack().api("PUT", `/api/workflows/${id}/draft`, {
      name: "half done",
      graph: { nodes: [], edges: [] },
    });

    const restored = await stack().api<Draft>("POST", `/api/workflows/${id}/versions/1/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.issues).toEqual([]);
    expect(restored.body.draft).toMatchObject({ baseVersion: 2, name: "versioned", tags: ["ops"] });
    expect(restored.body.draft.graph.nodes.map((n) => n.id)).toEqual(["hello"]);
    // The versions themselves are untouched until the draft is published.
    expect((await stack().api<Workflow>("GET", `/api/workflows/${id}`)).body.version).toBe(2);
    expect((await stack().api<Draft>("GET", `/api/workflows/${id}/draft`)).body.draft.name).toBe("versioned");

    const published = await stack().api<Workflow & { inputSchema: unknown }>(
      "POST",
      `/api/workflows/${id}/publish`,
    );
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.body).toMatchObject({ version: 3, inputSchema: v1Schema, tags: ["ops"] });
    expect(published.body.graph).toEqual(v1Graph);
    const list = await stack().api<VersionList>("GET", `/api/workflows/${id}/versions`);
    expect(list.body.data.map((row) => row.version)).toEqual([3, 2, 1]);
    expect((await stack().api<Version>("GET", `/api/workflows/${id}/versions/2`)).body.graph).toEqual(
      v2Graph,
    );
  });

  it("refuses to publish a stale draft with 409 naming both versions, unless forced or the current version was seen", async () => {
    const id = await createWithTwoVersions();
    const draft = { name: "versioned", graph: v1Graph };
    expect((await stack().api("PUT", `/api/workflows/${id}/draft`, draft)).status).toBe(200);
    // Someone saves a version while the draft is open.
    await stack().api("PUT", `/api/workflows/${id}`, { graph: v2Graph });

    const stale = await stack().api<ErrorBody>("POST", `/api/workflows/${id}/publish`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("conflict");
    expect(stale.body.error.message).toContain("based on version 2");
    expect(stale.body.error.message).toContain("current version is 3");
    const wrongBase = await stack().api<ErrorBody>("POST", `/api/workflows/${id}/publish`, {
      baseVersion: 2,
    });
    expect(wrongBase.status).toBe(409);
    const bad = await stack().api<ErrorBody>("POST", `/api/workflows/${id}/publish`, { force: "yes" });
    expect(bad.status).toBe(422);
    expect((await stack().api<Workflow>("GET", `/api/workflows/${id}`)).body.version).toBe(3);

    const seen = await stack().api<Workflow>("POST", `/api/workflows/${id}/publish`, { baseVersion: 3 });
    expect(seen.status, JSON.stringify(seen.body)).toBe(200);
    expect(seen.body.version).toBe(4);

    expect((await stack().api("PUT", `/api/workflows/${id}/draft`, { ...draft, name: "again" })).status).toBe(
      200,
    );
    await stack().api("PUT", `/api/workflows/${id}`, { graph: v2Graph });
    const forced = await stack().api<Workflow & { name: string }>("POST", `/api/workflows/${id}/publish`, {
      force: true,
    });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body).toMatchObject({ version: 6, name: "again" });
    expect(forced.body.graph).toEqual(v1Graph);
  });
});

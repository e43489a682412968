import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { runHelpers } from "../helpers/run-helpers";
import { useStack } from "../helpers/stack";

type Page = {
  data: Array<{ id: string; status: string; trigger: string; workflowId: string }>;
  nextCursor: string | null;
};

/** GET /api/runs: the session list behind the /runs page. */
describe("listing runs with filters", () => {
  const stack = useStack({ driver: "pglite" });
  const { createWorkflow, startRun } = runHelpers(stack);

  it("filters by workflow, status, trigger and creation time, pages by cursor, and reads blank fields as unset", async () => {
    const ok = await createWorkflow({ nodes: [node("a", "text", { template: "a" })], edges: [] });
    const sleepy = await createWorkflow({ nodes: [node("nap", "delay", { duration: "1h" })], edges: [] });
    const done = [await startRun(ok), await startRun(ok)];
    const live = await startRun(sleepy);
    await stack().engine.settle();
    const { getDb } = await import("@/server/db/client");
    const { runs } = await import("@/server/db/schema");
    // One run from last week, to filter by time.
    await (await getDb())
      .update(runs)
      .set({ createdAt: sql`now() - interval '7 days'` })
      .where(sql`${runs.id} = ${done[0]}`);

    const list = (query: string) => stack().api<Page>("GET", `/api/runs?${query}`);
    const ids = (page: { body: Page }) => page.body.data.map((r) => r.id);

    expect(ids(await list(`workflowId=${ok}`)).sort()).toEqual([...done].sort());
    expect(ids(await list(`workflowId=${sleepy}&status=running`))).toEqual([live]);
    expect(ids(await list(`workflowId=${ok}&status=running`))).toEqual([]);
    expect((await list(`workflowId=${ok}&trigger=api`)).body.data.every((r) => r.trigger === "api")).toBe(
      true,
    );
    expect(ids(await list(`workflowId=${ok}&trigger=webhook`))).toEqual([]);
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    expect(ids(await list(`workflowId=${ok}&createdAfter=${dayAgo}`))).toEqual([done[1]]);
    expect(ids(await list(`workflowId=${ok}&createdBefore=${dayAgo}`))).toEqual([done[0]]);
    // What a plain HTML form submits: every field, blank ones included.
    expect(
      ids(await list(`workflowId=${sleepy}&status=&trigger=&createdAfter=&createdBefore=&cursor=`)),
    ).toEqual([live]);

    const first = await list(`workflowId=${ok}&limit=1`);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await list(`workflowId=${ok}&limit=1&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(second)].sort()).toEqual([...done].sort());

    const bad = await stack().api<{ error: { code: string; issues: Array<{ path: unknown[] }> } }>(
      "GET",
      "/api/runs?status=sleeping&createdAfter=yesterday",
    );
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues.map((issue) => issue.path.at(-1)).sort()).toEqual([
      "createdAfter",
      "status",
    ]);
  });
});

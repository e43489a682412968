import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { viewApprovalLink } from "@/server/approvals/approval-link";
import { openApproval } from "@/server/approvals/open-approval";
import { closeDb, type Database, getDb } from "@/server/db/client";
import { runEvents } from "@/server/db/schema";
import { edge, node } from "../fixtures/graphs";
import { createTestWorkspace, startRunningRun } from "../helpers/running-run";

// Before the imports above load: the Inngest client (imported with the approvals) reads the env once.
vi.hoisted(() => {
  process.env.DATABASE_URL = "pglite:memory";
  process.env.LOG_LEVEL = "silent";
});

/**
 * The link an approval's request shows in the run's events must stay the link that works. The step
 * that opens the approval runs again for the same attempt when its result was lost before Inngest
 * stored it (a crash inside a checkpoint window, a lost answer); its `approval.requested` event is
 * then deduplicated, so it must not sign a link that replaces the one the event already shows.
 */
describe("re-opening an approval", () => {
  let db: Database;
  const workspaceId = "ws_reissue";

  beforeAll(async () => {
    db = await getDb();
    await createTestWorkspace(db, workspaceId);
  });

  afterAll(async () => {
    await closeDb();
  });

  const runningRun = () =>
    startRunningRun(db, workspaceId, {
      nodes: [
        node("ask", "approval", { message: "ok?", timeout: "1h" }),
        node("go", "text", { template: "x" }),
      ],
      edges: [{ ...edge("ask", "go"), sourceHandle: "approved" }],
    });

  const open = (runId: string, attempt: number) =>
    openApproval(db, {
      ref: { runId, workspaceId, nodeId: "ask", attempt },
      publish: () => {},
      message: "ok?",
      approvers: null,
      timeoutMs: 3_600_000,
      opensStep: true,
    });
  const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
  const linkWorks = (url: string) =>
    viewApprovalLink(db, tokenOf(url)).then(
      () => true,
      () => false,
    );

  it("keeps the link its event shows working when the same attempt opens it again", async () => {
    const runId = await runningRun();
    const first = await open(runId, 0);
    await open(runId, 0);

    const requested = await db
      .select({ data: runEvents.data })
      .from(runEvents)
      .where(and(eq(runEvents.runId, runId), eq(runEvents.type, "approval.requested")));
    expect(requested).toHaveLength(1);
    const shown = (requested[0]?.data as { url?: string } | undefined)?.url;
    expect(shown).toBe(first.url);
    expect(await linkWorks(shown ?? "")).toBe(true);
  });

  it("replaces the link when a new attempt asks again: the old one stops working, the new one is shown", async () => {
    const runId = await runningRun();
    const first = await open(runId, 0);
    const second = await open(runId, 1);

    expect(await linkWorks(first.url)).toBe(false);
    expect(await linkWorks(second.url)).toBe(true);
    const shown = await db
      .select({ data: runEvents.data })
      .from(runEvents)
      .where(and(eq(runEvents.runId, runId), eq(runEvents.type, "approval.requested")));
    expect(shown.map((event) => (event.data as { url: string }).url)).toEqual([first.url, second.url]);
  });
});

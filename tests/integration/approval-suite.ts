import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { edge, node } from "../fixtures/graphs";
import { type StackOptions, useStack } from "../helpers/stack";
import { foreignWorkflow, runHelpers, stepOf } from "./wait-node-helpers";

type Approval = { approvalId: string; status: string; message: string | null; decidedBy: string | null };
type ErrorBody = { error: { code: string; message: string } };

/**
 *  start ─► ask ─approved─► ship ─► shipped
 *               ─rejected─► tell
 *               ─timeout──► remind
 */
function approvalGraph(timeout: string) {
  return {
    nodes: [
      node("start", "text", { template: "{{ input.name }}" }),
      node("ask", "approval", {
        message: "Ship it for {{ nodes.start.text }}?",
        timeout,
        approvers: "ops team",
      }),
      node("ship", "text", { template: "shipped by {{ nodes.ask.by }}" }),
      node("shipped", "transform", { expression: "nodes.ship.text" }),
      node("tell", "text", { template: "rejected: {{ nodes.ask.comment }}" }),
      node("remind", "text", { template: "nobody answered" }),
    ],
    edges: [
      edge("start", "ask"),
      { id: "ask-ship", source: "ask", target: "ship", sourceHandle: "approved" },
      { id: "ask-tell", source: "ask", target: "tell", sourceHandle: "rejected" },
      { id: "ask-remind", source: "ask", target: "remind", sourceHandle: "timeout" },
      edge("ship", "shipped"),
    ],
  };
}

/** Approval nodes end to end: real route handlers → local engine (manual clock) → /api/inngest → database. */
export function defineApprovalSuite(options: StackOptions) {
  describe(`approval nodes (${options.driver}, ${options.mode} mode)`, () => {
    const stack = useStack(options);
    const { createWorkflow, startRun, getRun, runEvents } = runHelpers(stack);

    /** Starts a run and lets it reach its approval; returns the run id and the signed link's token. */
    async function waitingRun(timeout = "24h") {
      const workflowId = await createWorkflow(approvalGraph(timeout));
      const runId = await startRun(workflowId, { name: "Ada" });
      await stack().engine.settle();
      const requested = (await runEvents(runId)).find((e) => e.type === "approval.requested");
      const url = String(requested?.data.url ?? "");
      expect(url).toContain("/api/approvals/");
      return { runId, token: url.slice(url.lastIndexOf("/") + 1) };
    }

    const decide = (runId: string, body: unknown) =>
      stack().api<Approval & ErrorBody>("POST", `/api/runs/${runId}/approvals/ask`, body);
    const viaLink = (token: string, body?: unknown) =>
      stack().api<Approval & ErrorBody>(body === undefined ? "GET" : "POST", `/api/approvals/${token}`, body);

    it("waits as `waiting`, then an approval through the session route runs only the approved branch", async () => {
      const { runId, token } = await waitingRun();
      const waiting = await getRun(runId);
      expect(waiting.status).toBe("waiting");
      expect(stepOf(waiting, "ask").status).toBe("running");
      expect(stepOf(waiting, "ship").status).toBe("pending");

      const shown = await viaLink(token);
      expect(shown.status).toBe(200);
      expect(shown.body).toMatchObject({
        runId,
        nodeId: "ask",
        status: "pending",
        message: "Ship it for Ada?",
        approvers: "ops team",
        workflowName: "test",
      });

      const approved = await decide(runId, { decision: "approve", comment: "lgtm" });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body).toMatchObject({ status: "approved", decidedBy: "local", comment: "lgtm" });
      await stack().engine.settle();

      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(stepOf(run, "ask").output).toMatchObject({ decision: "approved", by: "local", comment: "lgtm" });
      expect(stepOf(run, "ship").output).toEqual({ text: "shipped by local" });
      expect(run.output).toBe("shipped by local"); // the only sink that ran
      for (const skipped of ["tell", "remind"]) expect(stepOf(run, skipped).status).toBe("skipped");

      const statuses = (await runEvents(runId))
        .filter((e) => e.type === "run.status")
        .map((e) => e.data.status);
      expect(statuses).toEqual(["queued", "running", "waiting", "running", "succeeded"]);

      // Deciding again, either way, is a conflict; the link is spent too.
      expect((await decide(runId, { decision: "reject" })).status).toBe(409);
      const spent = await viaLink(token, { decision: "reject" });
      expect(spent.status).toBe(409);
      expect(spent.body.error.message).toBe("This approval was already approved");
    });

    it("a parallel branch runs to its end while the approval waits; the fan-in runs once after the decision", async () => {
      //  start ─► ask ─approved─► join
      //        └► one ─► two ─► three ─┘
      const workflowId = await createWorkflow({
        nodes: [
          node("start", "text", { template: "{{ input.name }}" }),
          node("ask", "approval", { message: "Go on?", timeout: "24h" }),
          node("one", "transform", { expression: "1" }),
          node("two", "transform", { expression: "nodes.one + 1" }),
          node("three", "transform", { expression: "nodes.two + 1" }),
          node("join", "transform", { expression: "nodes.ask.decision & ' after ' & $string(nodes.three)" }),
        ],
        edges: [
          edge("start", "ask"),
          edge("start", "one"),
          edge("one", "two"),
          edge("two", "three"),
          { id: "ask-join", source: "ask", target: "join", sourceHandle: "approved" },
          edge("three", "join"),
        ],
      });
      const runId = await startRun(workflowId, { name: "Ada" });
      await stack().engine.settle();

      const waiting = await getRun(runId);
      expect(waiting.status).toBe("waiting");
      expect(stepOf(waiting, "ask").status).toBe("running");
      for (const id of ["one", "two", "three"]) expect(stepOf(waiting, id).status).toBe("succeeded");
      expect(stepOf(waiting, "three").output).toBe(3);
      expect(stepOf(waiting, "join").status).toBe("pending");

      const approved = await decide(runId, { decision: "approve" });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      await stack().engine.settle();

      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(run.output).toBe("approved after 3");
      const joinStarts = (await runEvents(runId)).filter(
        (e) => e.type === "step.started" && e.nodeId === "join",
      );
      expect(joinStarts).toHaveLength(1);
    });

    it("a rejection through the signed link takes the rejected branch; the link works once", async () => {
      const { runId, token } = await waitingRun();
      const rejected = await viaLink(token, { decision: "reject", comment: "not now" });
      expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
      expect(rejected.body).toMatchObject({ status: "rejected", decidedBy: "link" });

      const again = await viaLink(token, { decision: "approve" });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("conflict");
      expect((await viaLink(token)).status).toBe(409);

      await stack().engine.settle();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(stepOf(run, "ask").output).toMatchObject({
        decision: "rejected",
        by: "link",
        comment: "not now",
      });
      expect(stepOf(run, "tell").output).toEqual({ text: "rejected: not now" });
      for (const skipped of ["ship", "shipped", "remind"])
        expect(stepOf(run, skipped).status).toBe("skipped");
    });

    it("takes the timeout branch once the engine's clock passes the timeout; deciding then is a conflict", async () => {
      const { runId, token } = await waitingRun("2h");
      await stack().engine.clock.advance(2 * 3_600_000 - 60_000);
      await stack().engine.settle();
      expect((await getRun(runId)).status).toBe("waiting");

      await stack().engine.clock.advance(60_000);
      await stack().engine.settle();
      const run = await getRun(runId);
      expect(run.status).toBe("succeeded");
      expect(stepOf(run, "ask").output).toMatchObject({ decision: "timeout" });
      expect(stepOf(run, "remind").status).toBe("succeeded");
      for (const skipped of ["ship", "shipped", "tell"]) expect(stepOf(run, skipped).status).toBe("skipped");

      const late = await decide(runId, { decision: "approve" });
      expect(late.status).toBe(409);
      expect(late.body.error.message).toBe("This approval timed out");
      expect((await viaLink(token, { decision: "approve" })).status).toBe(409);
    });

    it("refuses an expired link (410) and a late session decision (409), and still times out", async () => {
      const { runId, token } = await waitingRun("1s");
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the link's expiry is wall-clock time
      const expired = await viaLink(token, { decision: "approve" });
      expect(expired.status).toBe(410);
      expect(expired.body.error).toMatchObject({ code: "gone", message: "This approval link has expired" });
      expect((await decide(runId, { decision: "approve" })).status).toBe(409);

      await stack().engine.clock.advance(1_000);
      await stack().engine.settle();
      expect(stepOf(await getRun(runId), "ask").output).toMatchObject({ decision: "timeout" });
    });

    it("refuses tampered, foreign and malformed links with 404, deciding nothing", async () => {
      const { runId, token } = await waitingRun();
      const [payload = "", signature = ""] = token.split(".");
      const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
      const otherPayload = Buffer.from(JSON.stringify({ ...claims, n: "ship" })).toString("base64url");
      const foreignSignature = createHmac("sha256", randomBytes(32))
        .update(`approval-link.${payload}`)
        .digest("base64url");

      for (const [what, bad] of [
        ["a changed signature", `${payload}.${flipped}`],
        ["a payload naming another node", `${otherPayload}.${signature}`],
        ["a signature by another key", `${payload}.${foreignSignature}`],
        ["no signature at all", payload],
        ["garbage", "not-a-token"],
      ] as const) {
        for (const body of [undefined, { decision: "approve" }]) {
          const answer = await viaLink(bad, body);
          expect(answer.status, `${what} (${body ? "POST" : "GET"})`).toBe(404);
          expect(answer.body.error.code).toBe("not_found");
        }
      }
      expect((await getRun(runId)).status).toBe("waiting");
      expect((await viaLink(token)).body.status).toBe("pending");
    });

    it("cannot be decided once its run is cancelled", async () => {
      const { runId, token } = await waitingRun();
      expect((await stack().api("POST", `/api/runs/${runId}/cancel`)).status).toBe(200);
      await stack().engine.settle();
      const refused = await decide(runId, { decision: "approve" });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe("run already cancelled");
      expect((await viaLink(token)).status).toBe(409);
      expect((await viaLink(token, { decision: "approve" })).status).toBe(409);
      expect((await getRun(runId)).status).toBe("cancelled");
    });

    it("lets exactly one of two racing deciders win", async () => {
      const { runId, token } = await waitingRun();
      const answers = await Promise.all([
        decide(runId, { decision: "approve" }),
        viaLink(token, { decision: "reject" }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      await stack().engine.settle();
      const run = await getRun(runId);
      const winner = answers.find((a) => a.status === 200)?.body.status;
      expect(stepOf(run, "ask").output).toMatchObject({ decision: winner });
    });

    it("answers 404 for another workspace's approval, and 404/422 for bad requests", async () => {
      const { getDb } = await import("@/server/db/client");
      const { approvals, workflowVersions } = await import("@/server/db/schema");
      const { insertQueuedRun } = await import("@/server/runs/insert-queued-run");
      const { eq } = await import("drizzle-orm");
      const db = await getDb();
      const foreign = await foreignWorkflow(approvalGraph("1h"));
      const [version] = await db
        .select()
        .from(workflowVersions)
        .where(eq(workflowVersions.workflowId, foreign.workflowId));
      if (!version) throw new Error("no version");
      const run = await insertQueuedRun(db, version, { trigger: "api", input: {} });
      await db.insert(approvals).values({
        id: "apr_foreign0000000000000000",
        runId: run.id,
        workspaceId: foreign.workspaceId,
        nodeId: "ask",
        expiresAt: new Date(Date.now() + 3_600_000),
      });

      expect((await decide(run.id, { decision: "approve" })).status).toBe(404);
      expect((await stack().api("GET", `/api/runs/${run.id}`)).status).toBe(404);
      const [row] = await db.select().from(approvals).where(eq(approvals.runId, run.id));
      expect(row?.status).toBe("pending");

      const { runId } = await waitingRun();
      expect(
        (await stack().api("POST", `/api/runs/${runId}/approvals/ship`, { decision: "approve" })).status,
      ).toBe(404);
      expect((await decide(runId, { decision: "maybe" })).status).toBe(422);
      expect((await decide(runId, {})).status).toBe(422);
    });
  });
}

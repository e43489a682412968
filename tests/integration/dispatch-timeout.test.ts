import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

/**
 * A hung Inngest (it accepts the connection and never answers) must not hang run
 * creation: past INNGEST_SEND_TIMEOUT_MS the client gets its 202 and the run waits,
 * `queued`, for the reconciler, which is left to send it again.
 */
describe("a run whose start event gets no answer", () => {
  let database: TestDatabase;
  let app: AppServer;
  let hung: http.Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    hung = http.createServer(() => {
      // Never answers.
    });
    hung.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    process.env.DATABASE_URL = database.url;
    process.env.INNGEST_DEV = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    process.env.INNGEST_SEND_TIMEOUT_MS = "300";
    process.env.INNGEST_API_TIMEOUT_MS = "300";
    process.env.LOG_LEVEL = "silent";
    app = await startAppServer();
  });

  afterAll(async () => {
    await app?.close();
    for (const socket of sockets) socket.destroy();
    hung?.close();
    const { closeDb } = await import("@/server/db/client");
    await closeDb();
    await database?.drop();
  });

  it("answers 202 within its bound and leaves the run queued for the reconciler", async () => {
    // Warm up first: the bound is about the hung send, not about loading the route's modules on a busy machine.
    expect((await fetch(`${app.url}/api/workflows/wf_example`)).status).toBe(200);
    const started = Date.now();
    const response = await fetch(`${app.url}/api/workflows/wf_example/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { name: "Ada" } }),
    });
    const tookMs = Date.now() - started;
    expect(response.status).toBe(202);
    expect(tookMs).toBeLessThan(5_000);
    const { runId } = (await response.json()) as { runId: string };

    const run = (await fetch(`${app.url}/api/runs/${runId}`).then((r) => r.json())) as { status: string };
    expect(run.status).toBe("queued");

    // The reconciler finds it, tries again within its own bound, and fails nothing on a guess.
    const { getDb } = await import("@/server/db/client");
    const { reconcileRuns } = await import("@/server/reconcile/reconcile-runs");
    const report = await reconcileRuns(await getDb(), { now: new Date(Date.now() + 5 * 60_000) });
    const decision = report.decisions.find((d) => d.runId === runId);
    expect(decision?.action).toBe("unverifiable");
    expect(decision?.reason).toContain("could not send");
    const after = (await fetch(`${app.url}/api/runs/${runId}`).then((r) => r.json())) as { status: string };
    expect(after.status).toBe("queued");
  });
});

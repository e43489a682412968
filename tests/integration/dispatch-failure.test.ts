import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

/** When Inngest cannot take the start event, the run must not sit in `queued` forever. */
describe("a run whose start event cannot be sent", () => {
  let database: TestDatabase;
  let app: AppServer;
  let refusing: http.Server;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    // An "Inngest" that refuses every event, as an outage or a bad event key would.
    refusing = http.createServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Event key not found" }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    process.env.DATABASE_URL = database.url;
    process.env.INNGEST_DEV = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    process.env.LOG_LEVEL = "silent";
    app = await startAppServer();
  });

  afterAll(async () => {
    await app?.close();
    refusing?.close();
    const { closeDb } = await import("@/server/db/client");
    await closeDb();
    await database?.drop();
  });

  it("answers 503 naming the run, and the run is failed with the reason and an event", async () => {
    const response = await fetch(`${app.url}/api/workflows/wf_example/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: { name: "Ada" } }),
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unavailable");
    const runId = /run_[a-z0-9]{26}/.exec(body.error.message)?.[0];
    expect(runId).toBeDefined();

    const run = await fetch(`${app.url}/api/runs/${runId}`).then(
      (r) => r.json() as Promise<{ status: string; error: { code: string } }>,
    );
    expect(run.status).toBe("failed");
    expect(run.error.code).toBe("dispatch_failed");

    const { getDb } = await import("@/server/db/client");
    const { listRunEvents } = await import("@/server/runs/queries");
    const events = await listRunEvents(await getDb(), "ws_local", runId ?? "");
    expect(events.map((e) => e.data.status)).toEqual(["queued", "failed"]);
  });

  it("lets a retry with the same idempotency key start afresh instead of returning the failed run", async () => {
    const post = () =>
      fetch(`${app.url}/api/workflows/wf_example/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: { name: "Ada" }, idempotencyKey: "retry-me" }),
      });
    const first = (await (await post()).json()) as { error: { message: string } };
    const second = await post();
    expect(second.status).toBe(503);
    const secondBody = (await second.json()) as { error: { message: string } };
    const runIdOf = (message: string) => /run_[a-z0-9]{26}/.exec(message)?.[0];
    // A new run was created (and failed to dispatch again): not the first one replayed as "failed".
    expect(runIdOf(secondBody.error.message)).not.toBe(runIdOf(first.error.message));
  });
});

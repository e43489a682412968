import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { node } from "../fixtures/graphs";
import {
  createDataDirs,
  type DataDirs,
  type Launcher,
  restartLauncher,
  startLauncher,
} from "../helpers/embedded-app";
import { post, standardHeaders } from "../helpers/webhook-sender";

/**
 * Deduplication that survives a restart: the app as `npm start` runs it (the real launcher,
 * PGlite on disk), one message id delivered 10 times at once, then again after the app is
 * stopped and started on the same data. One run, every time.
 */
describe("a webhook message id across a restart", () => {
  let dirs: DataDirs | undefined;
  const apps: Launcher[] = [];

  afterAll(async () => {
    for (const app of apps) await app.stop();
    dirs?.remove();
  });

  it("makes exactly one run from 10 concurrent deliveries and 10 more after a restart", async () => {
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    const first = await startLauncher({ command: "start", dirs });
    apps.push(first);
    const workflow = await first.api<{ id: string }>("POST", "/api/workflows", {
      name: "restart hook",
      graph: { nodes: [node("echo", "transform", { expression: "input" })], edges: [] },
    });
    expect(workflow.status, workflow.text).toBe(201);
    const hook = await first.api<{ id: string; secret: string }>(
      "POST",
      `/api/workflows/${workflow.body.id}/webhooks`,
      { name: "restart" },
    );
    expect(hook.status, hook.text).toBe(201);

    const messageId = `msg_${randomUUID()}`;
    const raw = JSON.stringify({ order: "A-1" });
    // Signed afresh for each delivery, as a sender's retry is: same id, a new timestamp.
    const deliver = (app: Launcher) =>
      Promise.all(
        Array.from({ length: 10 }, () =>
          post(
            `${app.url}/api/webhooks/${hook.body.id}`,
            raw,
            standardHeaders(hook.body.secret, raw, { messageId }),
          ),
        ),
      );

    const before = await deliver(first);
    expect(before.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 202]);
    const runId = before.find((a) => a.status === 202)?.body.runId;
    expect(new Set(before.map((a) => a.body.runId))).toEqual(new Set([runId]));

    await first.stop();
    const second = await restartLauncher(first, { command: "start", dirs });
    apps.push(second);
    const after = await deliver(second);
    expect(after.map((a) => a.status)).toEqual(Array(10).fill(200));
    for (const answer of after) expect(answer.body).toEqual({ runId, duplicate: true });

    const runs = await second.api<{ data: Array<{ id: string }> }>(
      "GET",
      `/api/runs?workflowId=${workflow.body.id}&limit=100`,
    );
    expect(runs.status, runs.text).toBe(200);
    expect(runs.body.data.map((r) => r.id)).toEqual([runId]);
  });
});

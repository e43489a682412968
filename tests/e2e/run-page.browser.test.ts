import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, CHROMIUM, launchBrowser } from "../helpers/browser";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import { useNextApp } from "../helpers/next-app";

/**
 * The run page in a real browser against `next start`: the status line and the
 * event log follow the run live (Inngest realtime from the local engine), from
 * a sleeping run to its end.
 */
describe.skipIf(!CHROMIUM)("the run pages in a browser", () => {
  const app = useNextApp({});
  let browser: Browser;
  let sink: CountingServer;

  beforeAll(async () => {
    sink = await startCountingServer();
    // The test app's engine learns the app's functions only when asked.
    await app().engine.syncApp(`${app().url}/api/inngest`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sink?.close();
  });

  it("shows the status change and every event live as the run wakes and finishes", async () => {
    const created = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: {
        name: "browser: sleeper",
        graph: {
          nodes: [
            { id: "nap", type: "delay", position: { x: 0, y: 0 }, data: { config: { duration: "1h" } } },
            { id: "done", type: "text", position: { x: 200, y: 0 }, data: { config: { template: "awake" } } },
          ],
          edges: [{ id: "nap-done", source: "nap", target: "done" }],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const started = await app().call<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      body: { input: {} },
    });
    const { runId } = started.body;
    await app().engine.settle();

    const page = await browser.newPage();
    try {
      await page.goto(`${app().url}/runs/${runId}`);
      const status = page.getByTestId("run-status");
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("running");
      // Live: the subscription is open before the run moves on.
      await expect
        .poll(() => page.getByTestId("live-status").textContent(), { timeout: 15_000 })
        .toContain("live: open");

      await app().engine.clock.advance(3_600_000);
      await app().engine.settle();

      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("succeeded");
      const stored = await app().call<{ data: Array<{ seq: number }> }>("GET", `/api/runs/${runId}/events`);
      const shown = await page
        .locator("ol > li")
        .evaluateAll((items) => items.map((item) => Number(item.getAttribute("value"))));
      // Every stored event once, in order: nothing skipped, nothing twice.
      expect(shown).toEqual(stored.body.data.map((event) => event.seq));
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "run-page-succeeded.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("reads an event too large to publish (a 600 KB run output) whole, and shows the run's end", async () => {
    const sinks = ["s1", "s2", "s3"];
    const created = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: {
        name: "browser: large outcome",
        graph: {
          nodes: [
            { id: "nap", type: "delay", position: { x: 0, y: 0 }, data: { config: { duration: "1h" } } },
            ...sinks.map((id) => ({
              id,
              type: "transform",
              position: { x: 200, y: 0 },
              data: { config: { expression: "input.blob" } },
            })),
          ],
          edges: sinks.map((id) => ({ id: `nap-${id}`, source: "nap", target: id })),
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    // Three sinks of 200 KB each: the run's output, and so its final `run.status` event, is 600 KB.
    const started = await app().call<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      body: { input: { blob: "z".repeat(200_000) } },
    });
    const { runId } = started.body;
    await app().engine.settle();

    const page = await browser.newPage();
    const eventReads: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes(`/api/runs/${runId}/events?after=`)) eventReads.push(request.url());
    });
    try {
      await page.goto(`${app().url}/runs/${runId}`);
      const status = page.getByTestId("run-status");
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("running");
      await expect
        .poll(() => page.getByTestId("live-status").textContent(), { timeout: 15_000 })
        .toContain("live: open");

      await app().engine.clock.advance(3_600_000);
      await app().engine.settle();

      // The status comes from the final event's data, which the live message left out.
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("succeeded");
      const stored = await app().call<{ data: Array<{ seq: number; type: string; data: unknown }> }>(
        "GET",
        `/api/runs/${runId}/events`,
      );
      const final = stored.body.data.at(-1);
      expect(final?.type).toBe("run.status");
      expect(JSON.stringify(final).length).toBeGreaterThan(600_000);
      const shown = await page
        .locator("ol > li")
        .evaluateAll((items) => items.map((item) => Number(item.getAttribute("value"))));
      expect(shown).toEqual(stored.body.data.map((event) => event.seq));
      // It was read from the events route, by its seq.
      expect(eventReads.some((url) => url.endsWith(`after=${(final?.seq ?? 0) - 1}`))).toBe(true);
    } finally {
      await page.close();
    }
  });

  it("lists runs under the filters a person picks, and opens one", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app().url}/`);
      await page.getByRole("link", { name: "All runs" }).click();
      await page.waitForURL(/\/runs$/);
      await page.getByLabel("Status").selectOption("succeeded");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForURL(/status=succeeded/);
      const statuses = await page.locator("td[data-status]").allTextContents();
      expect(statuses.length).toBeGreaterThan(0);
      expect(new Set(statuses)).toEqual(new Set(["succeeded"]));
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "runs-list.png"), fullPage: true });

      await page.locator("tbody tr a").first().click();
      await page.waitForURL(/\/runs\/run_/);
      await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("succeeded");
    } finally {
      await page.close();
    }
  });

  it("shows a failed node with its error, and re-runs from it into a run that succeeds", async () => {
    const created = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: {
        name: "browser: flaky",
        graph: {
          nodes: [
            { id: "start", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "go" } } },
            {
              id: "call",
              type: "http",
              position: { x: 200, y: 0 },
              data: {
                config: { method: "GET", url: `${sink.url}/flaky/browser?fail=1` },
                settings: { retries: 0 },
              },
            },
          ],
          edges: [{ id: "start-call", source: "start", target: "call" }],
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const started = await app().call<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      body: { input: {} },
    });
    await app().engine.settle();

    const page = await browser.newPage();
    try {
      await page.goto(`${app().url}/runs/${started.body.runId}`);
      await expect.poll(() => page.getByTestId("run-status").textContent()).toBe("failed");
      const failedRow = page.locator('tr[data-node="call"]');
      expect(await failedRow.getAttribute("data-status")).toBe("failed");
      expect(await failedRow.getByRole("note").textContent()).toContain("500");
      // The failing node comes first, where the eye lands.
      expect(await page.locator("tbody tr").first().getAttribute("data-node")).toBe("call");
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "run-failed.png"), fullPage: true });

      await page.getByRole("button", { name: "Re-run from here (call)" }).click();
      await page.waitForURL(
        (url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(started.body.runId),
      );
      await expect
        .poll(() => page.getByTestId("live-status").textContent(), { timeout: 15_000 })
        .toContain("live: open");
      await expect
        .poll(
          async () => {
            await app().engine.settle();
            return page.getByTestId("run-status").textContent();
          },
          { timeout: 15_000 },
        )
        .toBe("succeeded");
      expect(sink.hits("/flaky/browser")).toBe(2);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "run-rerun-succeeded.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it("starts a run from a workflow's page with a form built from its input schema", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app().url}/`);
      await page.getByRole("link", { name: "Hello, Stepwise" }).click();
      await page.waitForURL(/\/workflows\/wf_example$/);
      // The schema's example fills the required field; the health check is pointed at this test app.
      expect(await page.getByLabel("name *").inputValue()).toBe("Ada Lovelace");
      await page.getByLabel("appUrl").fill(app().url);
      await page.screenshot({ path: path.join(ARTIFACTS_DIR, "workflow-run-form.png"), fullPage: true });
      await page.getByRole("button", { name: "Start run" }).click();
      await page.waitForURL(/\/runs\/run_/);
      await expect
        .poll(
          async () => {
            await app().engine.drain();
            return page.getByTestId("run-status").textContent();
          },
          { timeout: 20_000 },
        )
        .toBe("succeeded");
      // The nodes are read again after the last event: poll, the status may arrive first.
      await expect
        .poll(() => page.locator('tr[data-node="summary"]').textContent())
        .toContain("What a long name, Ada Lovelace");

      // A value the schema refuses comes back as the server's message, and no run starts.
      await page.goto(`${app().url}/workflows/wf_example`);
      await page.getByLabel("name *").fill("");
      await page.getByText("Input as JSON").click();
      await page.getByLabel("Input as JSON").fill('{"name": ""}');
      await page.getByRole("button", { name: "Start run" }).click();
      await expect.poll(() => page.locator("form [role=alert]").textContent()).toContain("Invalid run input");
      expect(page.url()).toMatch(/\/workflows\/wf_example$/);
    } finally {
      await page.close();
    }
  });
});

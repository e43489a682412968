import path from "node:path";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ARTIFACTS_DIR, CHROMIUM, seriousA11yViolations } from "../helpers/browser";
import { useBrowserApp } from "../helpers/browser-app";

/**
 * What a person does on first contact, in a real browser against `next start`: create a workflow, build
 * three nodes on the canvas (one connection by dragging between handles), give it an input, publish,
 * run it and watch the nodes turn green live, open the failed node's error, edit the upstream output
 * and re-run from it, and read the diff. Screenshots of every stage are kept as artifacts.
 */

/** Fails for a first name alone, so the run stops at this node until its upstream output is edited. */
const EXPRESSION =
  'nodes.text_1.text = "Ada Lovelace" ? { "greeting": "Hello " & nodes.text_1.text } : $error("need a full name, got " & nodes.text_1.text)';

describe.skipIf(!CHROMIUM)("building, running and debugging a workflow in the browser", () => {
  const { app, browser } = useBrowserApp({});

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS_DIR, `editor-${name}.png`), fullPage: true });
  const card = (page: Page, nodeId: string) => page.locator(`.react-flow__node[data-id="${nodeId}"]`);
  const config = (page: Page, nodeId: string) => page.getByRole("region", { name: `Configure ${nodeId}` });

  async function fillField(field: Locator, value: string) {
    await field.fill(value);
    await field.blur();
  }

  /** Where an element is once it stops moving (the canvas animates its viewport after a layout). */
  async function settledBox(locator: Locator) {
    let last = "";
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const box = await locator.boundingBox();
      const now = JSON.stringify(box);
      if (box && now === last) return box;
      last = now;
      await locator
        .page()
        .evaluate(
          () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
        );
    }
    throw new Error("the element kept moving or is not on screen");
  }

  /** Drags from one node's output handle to another's input handle, the way a person connects them. */
  async function connectByDragging(page: Page, source: string, target: string) {
    const from = await settledBox(card(page, source).locator(".react-flow__handle.source").first());
    const to = await settledBox(card(page, target).locator(".react-flow__handle.target").first());
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
  }

  async function waitForSaved(page: Page) {
    await expect
      .poll(() => page.locator("output.editor-save-status").textContent(), { timeout: 15_000 })
      .toBe("Saved");
  }

  // A whole session of clicks through three pages: minutes on a busy machine, not the default 30 s.
  it("builds a three-node workflow on the canvas, publishes and runs it, then debugs it by editing an output", {
    timeout: 180_000,
  }, async () => {
    const page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    try {
      // Create it from the workflow list.
      await page.goto(`${app().url}/`);
      await page.getByLabel("Workflow name").fill("Greeter from the canvas");
      await page.getByRole("button", { name: "Create workflow" }).click();
      await page.waitForURL(/\/workflows\/wf_[a-z0-9_]+\/edit$/);
      const workflowId = page.url().split("/").at(-2) as string;
      await page.locator('section[aria-label="Workflow canvas"][data-ready="true"]').waitFor();

      // Start from an empty canvas whatever the new workflow came with.
      for (const existing of await page.locator(".react-flow__node").all()) {
        const nodeId = (await existing.getAttribute("data-id")) as string;
        await existing.click();
        await config(page, nodeId).waitFor();
        await page
          .getByRole("toolbar", { name: "Canvas tools" })
          .getByRole("button", { name: "Delete" })
          .click();
      }
      await expect.poll(() => page.locator(".react-flow__node").count()).toBe(0);

      // Node 1 from the palette; node 2 added after it (connected from the selected node).
      await page.getByRole("button", { name: "Add Text node" }).click();
      await card(page, "text_1").click();
      await fillField(config(page, "text_1").getByLabel("Template"), "{{ input.name }}");
      await page.getByRole("button", { name: "Add Transform node" }).click();
      await fillField(config(page, "transform_1").getByLabel("Expression"), EXPRESSION);

      // Node 3 placed on its own, then connected by dragging between the handles.
      await page.locator(".react-flow__pane").click({ position: { x: 40, y: 40 } });
      await page.getByRole("button", { name: "Add Text node" }).click();
      await card(page, "text_2").click();
      await fillField(config(page, "text_2").getByLabel("Template"), "{{ nodes.transform_1.greeting }}!");
      await page.getByRole("button", { name: "Auto-layout" }).click();
      await connectByDragging(page, "transform_1", "text_2");
      await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(2);

      // Undo takes the drawn edge away, redo brings it back.
      await page.getByRole("button", { name: "Undo" }).click();
      await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(1);
      await page.getByRole("button", { name: "Redo" }).click();
      await expect.poll(() => page.locator(".react-flow__edge").count()).toBe(2);

      // The run input: one required string, edited in the Workflow panel.
      await page.locator(".react-flow__pane").click({ position: { x: 40, y: 40 } });
      const runInput = page.getByRole("region", { name: "Run input" });
      await runInput.getByRole("button", { name: "Add field" }).click();
      const field = runInput.getByRole("group").last();
      await fillField(field.getByLabel("Name"), "name");
      await field.getByLabel("Required").check();
      await waitForSaved(page);
      expect(await page.getByRole("heading", { name: /^Issues/ }).textContent()).toBe("Issues (0)");
      await shot(page, "1-built");

      // Publish the draft as the next version.
      await page.getByRole("button", { name: "Publish" }).click();
      await expect.poll(() => page.locator("h1").textContent(), { timeout: 15_000 }).toMatch(/v2 published/);
      const published = await app().call<{ graph: { nodes: { id: string }[]; edges: unknown[] } }>(
        "GET",
        `/api/workflows/${workflowId}`,
      );
      expect(published.body.graph.nodes.map((node) => node.id).sort()).toEqual([
        "text_1",
        "text_2",
        "transform_1",
      ]);
      expect(published.body.graph.edges).toHaveLength(2);

      // Run it with an input from the form generated from the input schema.
      await page.getByRole("button", { name: "Run" }).click();
      await page.locator("#editor-run").getByLabel(/^name/).fill("Ada");
      await page.locator("#editor-run").getByRole("button", { name: "Start run" }).click();
      await page.waitForURL(/\/runs\/run_/);
      const firstRunId = page.url().split("/").at(-1) as string;
      await app().engine.settle();

      // Live: the first node turns green, the transform fails and opens with its error.
      const graph = page.locator('section[aria-label="Run graph"]');
      await expect
        .poll(() => graph.locator('[data-node-id="text_1"]').getAttribute("data-status"), { timeout: 15_000 })
        .toBe("succeeded");
      await expect
        .poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 })
        .toBe("failed");
      await expect
        .poll(() => graph.locator('[data-node-id="transform_1"]').getAttribute("data-status"), {
          timeout: 15_000,
        })
        .toBe("failed");
      const detail = page.locator('[data-detail-node="transform_1"]');
      expect(await detail.getByRole("note").textContent()).toContain("need a full name, got Ada");
      await shot(page, "2-failed-run");

      // Edit the upstream node's output and re-run from it: downstream runs on the edited value.
      await graph.locator('[data-node-id="text_1"]').click();
      await page.getByRole("button", { name: "Edit output and re-run" }).click();
      await page.getByLabel("Edited output of text_1 (JSON)").fill('{ "text": "Ada Lovelace" }');
      await page.getByRole("button", { name: "Re-run with this output" }).click();
      await page.waitForURL((url) => url.pathname.startsWith("/runs/") && !url.pathname.endsWith(firstRunId));
      await app().engine.settle();
      await expect
        .poll(() => page.getByTestId("run-status").textContent(), { timeout: 15_000 })
        .toBe("succeeded");
      for (const nodeId of ["transform_1", "text_2"]) {
        await expect
          .poll(() => graph.locator(`[data-node-id="${nodeId}"]`).getAttribute("data-status"), {
            timeout: 15_000,
          })
          .toBe("succeeded");
      }

      // The diff against the failed run: the edited output, and what changed downstream because of it.
      const changes = page.getByRole("heading", { name: `Changes from run ${firstRunId}` });
      await changes.waitFor();
      await expect
        .poll(() => page.locator('li[data-diff-node="text_1"]').getAttribute("data-change"), {
          timeout: 15_000,
        })
        .toBe("edited");
      expect(await page.locator('li[data-diff-node="transform_1"]').getAttribute("data-change")).toBe(
        "changed",
      );
      expect(await page.locator('li[data-diff-node="transform_1"]').textContent()).toContain(
        "Hello Ada Lovelace",
      );
      await shot(page, "3-rerun-diff");

      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.goto(`${app().url}/workflows/${workflowId}/edit`);
      await page.locator('section[aria-label="Workflow canvas"][data-ready="true"]').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      expect(pageErrors).toEqual([]);
    } catch (error) {
      await shot(page, "failure");
      throw error;
    } finally {
      await page.close();
    }
  });

  it("asks before publishing a draft over a version someone published since it began", {
    timeout: 90_000,
  }, async () => {
    const graph = (template: string) => ({
      nodes: [{ id: "hello", type: "text", position: { x: 0, y: 0 }, data: { config: { template } } }],
      edges: [],
    });
    const made = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: { name: "Two editors", graph: graph("v1") },
    });
    expect(made.status, made.text).toBe(201);
    const page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await page.goto(`${app().url}/workflows/${made.body.id}/edit`);
      await page.locator('section[aria-label="Workflow canvas"][data-ready="true"]').waitFor();
      await card(page, "hello").click();
      await fillField(config(page, "hello").getByLabel("Template"), "from the canvas");
      await waitForSaved(page);

      // Meanwhile someone else publishes version 2.
      const other = await app().call("PUT", `/api/workflows/${made.body.id}`, {
        body: { name: "Two editors", graph: graph("from the API") },
      });
      expect(other.status, other.text).toBe(200);

      const dialogs: string[] = [];
      page.once("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.getByRole("button", { name: "Publish" }).click();
      await expect.poll(() => dialogs.length).toBe(1);
      expect(dialogs[0]).toMatch(/based on version 1, but the current version is 2/);
      await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/^Not published/);
      const unchanged = await app().call<{ version: number }>("GET", `/api/workflows/${made.body.id}`);
      expect(unchanged.body.version).toBe(2);

      page.once("dialog", (dialog) => void dialog.accept());
      await page.getByRole("button", { name: "Publish" }).click();
      await expect.poll(() => page.locator("h1").textContent(), { timeout: 15_000 }).toMatch(/v3 published/);
      const published = await app().call<{
        version: number;
        graph: { nodes: { data: { config: unknown } }[] };
      }>("GET", `/api/workflows/${made.body.id}`);
      expect(published.body.version).toBe(3);
      expect(published.body.graph.nodes[0]?.data.config).toEqual({ template: "from the canvas" });

      // The three versions on the workflow page: view one, compare two, restore the first into a draft.
      await page.goto(`${app().url}/workflows/${made.body.id}`);
      await page.getByRole("button", { name: "View v2" }).click();
      await expect.poll(() => page.getByTestId("version-view").textContent()).toContain("hello");
      await page.getByLabel("From version").selectOption("1");
      await page.getByLabel("To version").selectOption("3");
      await page.getByRole("button", { name: "Compare v1 with v3" }).click();
      await expect.poll(() => page.getByTestId("version-diff").textContent()).toContain("template");
      expect(await page.getByRole("button", { name: "Restore v3" }).count()).toBe(0);
      await page.getByRole("button", { name: "Restore v1" }).click();
      await page.waitForURL(/\/edit$/);
      const restored = await app().call<{ draft: { graph: { nodes: { data: { config: unknown } }[] } } }>(
        "GET",
        `/api/workflows/${made.body.id}/draft`,
      );
      expect(restored.body.draft.graph.nodes[0]?.data.config).toEqual({ template: "v1" });
    } finally {
      await page.close();
    }
  });

  it("keeps a change made just before the tab is closed", { timeout: 60_000 }, async () => {
    const made = await app().call<{ id: string }>("POST", "/api/workflows", {
      body: {
        name: "Closed in a hurry",
        graph: {
          nodes: [
            { id: "hello", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "hi" } } },
          ],
          edges: [],
        },
      },
    });
    expect(made.status, made.text).toBe(201);
    const page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app().url}/workflows/${made.body.id}/edit`);
    await page.locator('section[aria-label="Workflow canvas"][data-ready="true"]').waitFor();
    await page.getByRole("button", { name: "Add Debug node" }).click();
    // Closed before the autosave's delay is up: the browser asks first, the person leaves anyway.
    const asked: string[] = [];
    page.on("dialog", (dialog) => {
      asked.push(dialog.type());
      void dialog.accept();
    });
    await page.close({ runBeforeUnload: true });
    await expect
      .poll(
        async () => {
          const draft = await app().call<{ draft: { graph: { nodes: { id: string }[] } } }>(
            "GET",
            `/api/workflows/${made.body.id}/draft`,
          );
          return draft.body.draft.graph.nodes.map((node) => node.id).sort();
        },
        { timeout: 15_000 },
      )
      .toEqual(["debug_1", "hello"]);
    console.log(`[editor] dialogs on close: ${JSON.stringify(asked)}`);
  });
});

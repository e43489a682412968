/**
 * bench:editor — how the canvas editor holds up with a large graph, measured in a real browser
 * (Debian's Chromium through playwright-core) against `npm start`'s embedded stack. A 200-node
 * workflow (the graph limit) and, as the baseline in the same run, a 10-node one, opened alternately
 * (interleaved, a fresh page each time) so both see the same machine:
 *
 *   - load: navigation start → the canvas has drawn and measured every node (`data-ready`);
 *   - pan: a 600 px drag of the pane in 30 mouse steps, with the frame times seen meanwhile;
 *   - select: a click on a node → its configuration panel is on screen.
 *
 * Prints min / median / max per figure. Loopback only, bounded (a few minutes at most), stops by itself.
 *
 *   npm run bench:editor                 # 5 repetitions of each
 *   npm run bench:editor -- --reps 9
 */
import { parseArgs } from "node:util";
import { chromium, type Page } from "playwright-core";
import { createDataDirs, startLauncher } from "../tests/helpers/embedded-app";
import { buildForTests } from "../tests/helpers/next-build";

const { values: flags } = parseArgs({ options: { reps: { type: "string", default: "5" } } });
const REPS = Math.min(25, Math.max(1, Number(flags.reps)));
const HARD_LIMIT_MS = 10 * 60_000;
const CHROMIUM = "/usr/bin/chromium";

type Sample = {
  loadMs: number;
  serverMs: number;
  domReadyMs: number;
  panMs: number;
  frameMedianMs: number;
  frameMaxMs: number;
  selectMs: number;
};

/**
 * `count` text nodes in chains of 10 fanning out from one root, placed as the editor saves them (a
 * graph made through the API without positions is laid out on every load instead: ~0.3 s more here).
 */
function graphOf(count: number) {
  const nodes = Array.from({ length: count }, (_, index) => ({
    id: `n${index}`,
    type: "text",
    position: { x: index === 0 ? 0 : (((index - 1) % 10) + 1) * 280, y: Math.floor((index - 1) / 10) * 100 },
    data: { label: `Step ${index}`, config: { template: `{{ input.name }} ${index}` } },
  }));
  const edges = nodes.slice(1).map((node, index) => {
    const source = index % 10 === 0 ? "n0" : `n${index}`;
    return { id: `${source}-${node.id}`, source, target: node.id };
  });
  return { nodes, edges };
}

async function measure(page: Page, url: string, nodeId: string): Promise<Sample> {
  await page.goto(url);
  await page.waitForFunction(() => window.__stepwiseEditorReady === true, undefined, { timeout: 60_000 });
  const loadMs = await page.evaluate(() => performance.now());
  // Where the load went: the server's answer (its last byte) and the document parsed.
  const [serverMs, domReadyMs] = (await page.evaluate(
    "(() => { const n = performance.getEntriesByType('navigation')[0]; return [n.responseEnd, n.domContentLoadedEventEnd]; })()",
  )) as [number, number];

  const pane = await page.locator(".react-flow__pane").boundingBox();
  if (!pane) throw new Error("no canvas pane");
  // A string, not a function: tsx would wrap a function's inner closures in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__panning = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__panning) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const startX = pane.x + pane.width - 40;
  const startY = pane.y + 20;
  const panStarted = performance.now();
  await page.mouse.move(startX, startY);
  await page.mouse.down();
  await page.mouse.move(startX - 600, startY + 60, { steps: 30 });
  await page.mouse.up();
  const panMs = performance.now() - panStarted;
  const frames = (await page.evaluate("window.__panning = false; window.__frames.slice(1)")) as number[];

  const node = page.locator(`.react-flow__node[data-id="${nodeId}"]`);
  await page.getByRole("button", { name: "Fit View" }).click();
  await node.waitFor();
  const selectStarted = performance.now();
  await node.click();
  await page.getByRole("region", { name: `Configure ${nodeId}` }).waitFor();
  const selectMs = performance.now() - selectStarted;

  const sorted = [...frames].sort((a, b) => a - b);
  return {
    loadMs,
    serverMs,
    domReadyMs,
    panMs,
    frameMedianMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    frameMaxMs: sorted.at(-1) ?? 0,
    selectMs,
  };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const fmt = (value: number | undefined) => (value ?? 0).toFixed(0).padStart(5);
  return `${fmt(sorted[0])} /${fmt(sorted[Math.floor(sorted.length / 2)])} /${fmt(sorted.at(-1))}`;
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`gave up after ${HARD_LIMIT_MS / 60_000} minutes`);
    process.exit(2);
  }, HARD_LIMIT_MS);
  watchdog.unref();

  console.log("building the app (reused when nothing changed)…");
  await buildForTests();
  const dirs = createDataDirs();
  const app = await startLauncher({ command: "start", dirs });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const cases = [
      { name: "200 nodes", count: 200 },
      { name: "10 nodes (baseline)", count: 10 },
    ];
    const urls = new Map<string, string>();
    for (const { name, count } of cases) {
      const created = await app.api<{ id: string }>("POST", "/api/workflows", {
        name: `bench: ${name}`,
        graph: graphOf(count),
      });
      if (created.status !== 201) throw new Error(`create ${name}: ${created.status} ${created.text}`);
      urls.set(name, `${app.url}/workflows/${created.body.id}/edit`);
    }

    const samples = new Map<string, Sample[]>(cases.map(({ name }) => [name, []]));
    // One untimed visit each first: the server compiles nothing under `next start`, but caches warm up.
    for (const { name } of cases) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await measure(page, urls.get(name) as string, "n5");
      await page.close();
    }
    for (let rep = 0; rep < REPS; rep += 1) {
      for (const { name } of rep % 2 === 0 ? cases : [...cases].reverse()) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        samples.get(name)?.push(await measure(page, urls.get(name) as string, "n5"));
        await page.close();
      }
    }

    console.log(`\neditor canvas, ${REPS} interleaved repetitions each, min / median / max in ms`);
    const figures: [string, (sample: Sample) => number][] = [
      ["load (navigation → drawn)", (s) => s.loadMs],
      ["  of which the server's answer", (s) => s.serverMs],
      ["  and the document parsed", (s) => s.domReadyMs],
      ["pan 600 px (30 steps)", (s) => s.panMs],
      ["  frame time while panning", (s) => s.frameMedianMs],
      ["  longest frame while panning", (s) => s.frameMaxMs],
      ["select a node → its panel", (s) => s.selectMs],
    ];
    console.log(`${"".padEnd(32)}${cases.map(({ name }) => name.padEnd(24)).join("")}`);
    for (const [label, pick] of figures) {
      const row = cases.map(({ name }) => summary((samples.get(name) ?? []).map(pick)).padEnd(24)).join("");
      console.log(`${label.padEnd(32)}${row}`);
    }
  } finally {
    await browser.close();
    await app.stop();
    dirs.remove();
    clearTimeout(watchdog);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

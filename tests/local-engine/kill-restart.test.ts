import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { Inngest } from "inngest";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalEngine } from "../../inngest/local";
import { tempDataDir } from "./durable-harness";
import { freePort, serveApp } from "./harness";

/**
 * The real thing: the engine CLI in a child process with --data-dir, killed
 * with SIGKILL while one run sleeps and another has a step in flight, then
 * started again on the same directory. Real clock, so this test waits for
 * real (a 2 s sleep and process start-ups), bounded by `until`.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLI = path.join(ROOT, "inngest/local/cli.ts");
const silent = { info() {}, warn() {}, error() {}, debug() {} };

type RestRun = { data: { status: string; output?: unknown; steps: { name: string; status: string }[] } };

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CLI, "--quiet", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, INNGEST_SIGNING_KEY: "", LOCAL_ENGINE_FAST_RETRIES: "1" },
  });
}

describe("kill -9 of the engine process", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("resumes sleeping and in-flight runs on restart without re-running completed steps", async () => {
    const dataDir = tempDataDir();
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const engineUrl = `http://127.0.0.1:${port}`;

    const counts: Record<string, number> = {};
    const hit = (id: string) => {
      counts[id] = (counts[id] ?? 0) + 1;
    };
    let releaseSlow: () => void = () => {};
    const slowGate = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });

    const inngest = new Inngest({ id: "killed", isDev: true, baseUrl: engineUrl, logger: silent });
    const app = await serveApp(inngest, [
      inngest.createFunction({ id: "sleeper", triggers: [{ event: "app/sleep" }] }, async ({ step }) => {
        await step.run("a", () => hit("a"));
        await step.run("b", () => hit("b"));
        await step.sleep("nap", "2s");
        await step.run("c", () => hit("c"));
        return "slept";
      }),
      inngest.createFunction({ id: "busy", triggers: [{ event: "app/busy" }] }, async ({ step }) => {
        await step.run("first", () => hit("first"));
        await step.run("slow", async () => {
          hit("slow");
          await slowGate;
        });
        return "busy done";
      }),
    ]);
    cleanup.push(() => app.close());

    let cli = startCli(["--port", String(port), "--data-dir", dataDir, "--app", app.url]);
    cleanup.push(() => {
      cli.kill("SIGKILL");
    });
    await until("the engine to sync the app", async () => {
      const dev = (await (await fetch(`${engineUrl}/dev`)).json()) as { functions: unknown[] };
      return dev.functions.length === 2 ? true : undefined;
    });

    const sleeper = ((await inngest.send({ name: "app/sleep", data: {} })).ids[0] ?? "") as string;
    const busy = ((await inngest.send({ name: "app/busy", data: {} })).ids[0] ?? "") as string;
    const runOf = async (eventId: string) => {
      const res = (await (await fetch(`${engineUrl}/v1/events/${eventId}/runs`)).json()) as {
        data: { run_id: string }[];
      };
      return res.data[0]?.run_id;
    };
    const sleeperRun = await until("the sleeper run", () => runOf(sleeper));
    const busyRun = await until("the busy run", () => runOf(busy));
    const read = async (runId: string) =>
      ((await (await fetch(`${engineUrl}/v1/runs/${runId}`)).json()) as RestRun).data;
    await until("the sleeper to sleep", async () =>
      (await read(sleeperRun)).steps.some((s) => s.name === "nap" && s.status === "Sleeping")
        ? true
        : undefined,
    );
    await until("the slow step to be in flight", async () => (counts.slow === 1 ? true : undefined));

    cli.kill("SIGKILL");
    await new Promise((resolve) => cli.once("exit", resolve));
    // The dead process's lock file is still there: the new one must take it over.
    cli = startCli(["--port", String(port), "--data-dir", dataDir]);

    // The restarted engine re-dispatches the in-flight call; let the step finish now.
    await until("the restarted engine", async () =>
      (await fetch(`${engineUrl}/health`)).ok ? true : undefined,
    );
    releaseSlow();

    const done = await until("both runs to complete", async () => {
      const [s, b] = await Promise.all([read(sleeperRun), read(busyRun)]);
      return s.status === "Completed" && b.status === "Completed" ? { s, b } : undefined;
    });
    expect(done.s.output).toBe("slept");
    expect(done.b.output).toBe("busy done");
    // Completed steps ran once; the step in flight at the kill may run again (at least once).
    expect(counts).toMatchObject({ a: 1, b: 1, c: 1, first: 1 });
    expect(counts.slow).toBeGreaterThanOrEqual(1);

    // While the restarted engine holds the dir, another engine is refused with its PID.
    await expect(createLocalEngine({ port: 0, logger: false, dataDir })).rejects.toThrow(`(PID ${cli.pid})`);
  }, 60_000);
});

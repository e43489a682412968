import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isolatedEnv } from "./child-env";
import { TEST_DIST_DIR } from "./next-build";
import { freePort } from "./next-server";
import { groupMembers, signalGroup, signalProcess, waitForGroupGone } from "./process-group";

/**
 * The app exactly as `npm start` / `npm run dev` runs it: the real launcher
 * (inngest/local/with-app.ts) with the local engine in its own process and
 * `next start|dev` as its child, on temp data directories and free loopback
 * ports. The launcher leads its own process group, so a test can do what a
 * person does to it: Ctrl-C (SIGINT to the group), `kill -9` the group, freeze
 * the engine (SIGSTOP the launcher alone), and start it again on the same
 * directories. Every group started here is killed when the test process exits,
 * even after a failure, and a frozen one is continued first.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const LAUNCHER = path.join("inngest", "local", "with-app.ts");
const STOP_TIMEOUT_MS = 10_000;
const MAX_OUTPUT_CHARS = 400_000;

/** What this process started and must not leave behind (see killAll). */
const running = new Set<Launcher>();
const tempRoots = new Set<string>();

export type LauncherCommand = "start" | "dev";

/** A PGlite directory and an engine store directory under one temp root. */
export type DataDirs = { root: string; pglite: string; engine: string; remove: () => void };

/**
 * Fresh data directories. With `pgliteTemplate` the database starts as a copy of
 * the migrated test template (global-setup.ts) instead of paying initdb here.
 */
export function createDataDirs(options: { pgliteTemplate?: string } = {}): DataDirs {
  const root = mkdtempSync(path.join(os.tmpdir(), "stepwise-fault-"));
  tempRoots.add(root);
  const pglite = path.join(root, "pglite");
  const engine = path.join(root, "engine");
  if (options.pgliteTemplate) cpSync(options.pgliteTemplate, pglite, { recursive: true });
  else mkdirSync(pglite, { recursive: true });
  const remove = () => {
    rmSync(root, { recursive: true, force: true });
    tempRoots.delete(root);
  };
  return { root, pglite, engine, remove };
}

export type LauncherOptions = {
  command: LauncherCommand;
  dirs: DataDirs;
  /** Reuse the ports of an earlier launcher (a restart); fresh free ports otherwise. */
  port?: number;
  enginePort?: number;
  /** Added to the launcher's environment (and so the app's). */
  env?: Record<string, string>;
};

export type ApiResult<T> = { status: number; body: T; text: string; headers: Headers; ms: number };

export type Launcher = {
  command: LauncherCommand;
  /** The launcher's pid, which is also its process group id. */
  pid: number;
  url: string;
  port: number;
  enginePort: number;
  engineUrl: string;
  cronSecret: string;
  /** Everything the launcher and Next wrote (stdout and stderr), so far. */
  output: () => string;
  /** Resolves when the launcher process itself exits. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: () => boolean;
  /** Waits for /api/health 200 and the engine knowing the app's functions; throws with the output. */
  ready: (timeoutMs?: number) => Promise<void>;
  /** Every process of the group (launcher, Next, its workers). */
  signalGroup: (signal: NodeJS.Signals) => void;
  /** The launcher alone: it hosts the engine; Next is its child. */
  signalLauncher: (signal: NodeJS.Signals) => void;
  /** Live processes of the group. */
  members: () => number[];
  /** Resolves true once no process of the group is left (with `live`: none alive, zombies aside). */
  waitForGroupGone: (timeoutMs: number, options?: { live?: boolean }) => Promise<boolean>;
  /** Continue, SIGTERM, then SIGKILL whatever is left of the group; waits until it is gone. */
  stop: () => Promise<void>;
  api: <T = unknown>(
    method: string,
    urlPath: string,
    body?: unknown,
    options?: { timeoutMs?: number },
  ) => Promise<ApiResult<T>>;
};

// Launchers are detached, so nothing ends them with this process unless it does: on
// exit, and on the signals that would end it anyway (which skip "exit").
// SIGCONT first: a group frozen by a failed test must not outlive it.
function killAll(): void {
  for (const launcher of running) {
    signalGroup(launcher.pid, "SIGCONT");
    signalGroup(launcher.pid, "SIGKILL");
  }
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
}
process.once("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/**
 * `next dev` rewrites next-env.d.ts to point at its dist dir. Put back what was
 * there before, but only while the file is still ours: someone else's `next dev`
 * may have written it since.
 */
const NEXT_ENV_FILE = path.join(ROOT, "next-env.d.ts");
const readNextEnv = () => (existsSync(NEXT_ENV_FILE) ? readFileSync(NEXT_ENV_FILE, "utf8") : undefined);
function restoreNextEnv(before: string | undefined): void {
  if (!readNextEnv()?.includes(`./${TEST_DIST_DIR}/dev/`)) return;
  if (before === undefined) rmSync(NEXT_ENV_FILE, { force: true });
  else writeFileSync(NEXT_ENV_FILE, before);
}

function launcherEnv(
  options: LauncherOptions,
  port: number,
  enginePort: number,
  cronSecret: string,
): NodeJS.ProcessEnv {
  return {
    ...isolatedEnv({}),
    // `next dev` uses <dist>/dev, so a dev session and the production build share .next-test
    // without touching each other or the developer's .next.
    NEXT_DIST_DIR: TEST_DIST_DIR,
    PORT: String(port),
    LOCAL_ENGINE_PORT: String(enginePort),
    PGLITE_DIR: options.dirs.pglite,
    LOCAL_ENGINE_DATA_DIR: options.dirs.engine,
    // The launcher's engine otherwise waits Inngest's 15 s, 30 s, 1 m … between retries.
    LOCAL_ENGINE_FAST_RETRIES: "1",
    APP_URL: `http://localhost:${port}`,
    CRON_SECRET: cronSecret,
    // Workflows in these tests call a loopback sink; production mode refuses that by default.
    HTTP_NODE_ALLOW_PRIVATE_NETWORKS: "1",
    LOG_LEVEL: "warn",
    // The launcher decides these as it does for a person: `start` sets STEPWISE_EMBEDDED,
    // and `next dev` runs as development.
    STEPWISE_EMBEDDED: undefined,
    NODE_ENV: options.command === "dev" ? "development" : "production",
    ...options.env,
  };
}

/** Starts the launcher and returns at once; call `ready()` to wait for it. */
export async function launch(options: LauncherOptions): Promise<Launcher> {
  const port = options.port ?? (await freePort());
  const enginePort = options.enginePort ?? (await freePort());
  const cronSecret = options.env?.CRON_SECRET ?? `cron-${randomBytes(12).toString("hex")}`;
  const nextEnvBefore = readNextEnv();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", LAUNCHER, options.command], {
    cwd: ROOT,
    env: launcherEnv(options, port, enginePort, cronSecret),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the launcher did not start");

  let text = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > MAX_OUTPUT_CHARS) text = text.slice(-MAX_OUTPUT_CHARS / 2);
    });
  }
  let exitedWith: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedWith = { code, signal };
      resolve(exitedWith);
    });
  });
  const url = `http://localhost:${port}`;
  const engineUrl = `http://127.0.0.1:${enginePort}`;

  const api: Launcher["api"] = async (method, urlPath, body, callOptions = {}) => {
    const started = performance.now();
    const response = await fetch(`${url}${urlPath}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(callOptions.timeoutMs ?? 30_000),
    });
    const responseText = await response.text();
    let parsed: unknown = null;
    try {
      parsed = responseText ? JSON.parse(responseText) : null;
    } catch {
      parsed = responseText;
    }
    return {
      status: response.status,
      body: parsed as never,
      text: responseText,
      headers: response.headers,
      ms: performance.now() - started,
    };
  };

  const launcher: Launcher = {
    command: options.command,
    pid,
    url,
    port,
    enginePort,
    engineUrl,
    cronSecret,
    output: () => text,
    exit,
    hasExited: () => exitedWith !== undefined,
    ready: (timeoutMs = options.command === "dev" ? 180_000 : 60_000) => waitUntilReady(launcher, timeoutMs),
    signalGroup: (signal) => signalGroup(pid, signal),
    signalLauncher: (signal) => signalProcess(pid, signal),
    members: () => groupMembers(pid, { live: true }),
    waitForGroupGone: (timeoutMs, waitOptions) => waitForGroupGone(pid, timeoutMs, waitOptions),
    stop: async () => {
      signalGroup(pid, "SIGCONT");
      signalGroup(pid, "SIGTERM");
      if (!(await waitForGroupGone(pid, STOP_TIMEOUT_MS))) {
        signalGroup(pid, "SIGKILL");
        await waitForGroupGone(pid, STOP_TIMEOUT_MS);
      }
      // Cleared once the launcher has exited: a pending timer would keep a script that is done alive.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([exit, new Promise((resolve) => (waited = setTimeout(resolve, STOP_TIMEOUT_MS)))]);
      clearTimeout(waited);
      running.delete(launcher);
      if (options.command === "dev") restoreNextEnv(nextEnvBefore);
    },
    api,
  };
  running.add(launcher);
  return launcher;
}

/** Thrown when a launcher is not ready in time or exits first; carries its output. */
export class LauncherError extends Error {
  constructor(message: string, output: string) {
    super(`${message}\n--- launcher output (tail) ---\n${output.slice(-6000)}`);
    this.name = "LauncherError";
  }
}

async function waitUntilReady(launcher: Launcher, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "nothing yet";
  let healthy = false;
  while (Date.now() < deadline) {
    if (launcher.hasExited()) {
      throw new LauncherError(`the launcher exited before it was ready (last: ${last})`, launcher.output());
    }
    try {
      if (!healthy) {
        // A dev server compiles the route on this first request: give it time.
        const health = await launcher.api("GET", "/api/health", undefined, { timeoutMs: 60_000 });
        last = `/api/health ${health.status} ${health.text.slice(0, 200)}`;
        healthy = health.status === 200;
      }
      if (healthy) {
        // Runs only start once the engine has synced the app's functions.
        const dev = await fetch(`${launcher.engineUrl}/dev`, { signal: AbortSignal.timeout(5_000) });
        const body = (await dev.json()) as { functions?: unknown[] };
        last = `engine knows ${body.functions?.length ?? 0} functions`;
        if ((body.functions?.length ?? 0) > 0) return;
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new LauncherError(`not ready within ${timeoutMs} ms (last: ${last})`, launcher.output());
}

/** Starts a launcher and waits until it is ready; a launcher that fails to get ready is stopped. */
export async function startLauncher(options: LauncherOptions): Promise<Launcher> {
  const launcher = await launch(options);
  try {
    await launcher.ready();
  } catch (error) {
    await launcher.stop();
    throw error;
  }
  return launcher;
}

/** The same app again on the same directories and ports (after a kill or Ctrl-C). */
export function restartLauncher(previous: Launcher, options: LauncherOptions): Promise<Launcher> {
  return startLauncher({
    ...options,
    port: previous.port,
    enginePort: previous.enginePort,
    env: { ...options.env, CRON_SECRET: previous.cronSecret },
  });
}

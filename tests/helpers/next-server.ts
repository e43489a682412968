import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { isolatedEnv } from "./child-env";
import { TEST_DIST_DIR } from "./next-build";

/**
 * `next start` on the test build, on a free port, as its own process group so
 * stopping it ends every process it started. Started with `-H localhost`: with
 * Clerk in proxy.ts, 127.0.0.1 makes requests loop until they time out.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export type NextServer = {
  url: string;
  port: number;
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string;
  stop: () => Promise<void>;
};

export type NextServerOptions = {
  /** The app's environment; anything not given is unset (see child-env.ts). */
  env: Record<string, string>;
};

/** Thrown when the server exits or never answers /api/health; carries its output. */
export class NextStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly exitCode: number | null,
  ) {
    super(`${message}\n--- server output ---\n${output.slice(-4000)}`);
    this.name = "NextStartError";
  }
}

const running = new Set<ChildProcess>();

/** Signals the whole group: workers Next started outlive a leader that died abruptly. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// The servers are detached (own process group), so nothing ends them with this
// process unless it does: on exit, and on the signals that would end it anyway.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const child of running) killGroup(child, "SIGKILL");
    process.kill(process.pid, signal);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "localhost", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (!running.has(child)) return;
  killGroup(child, "SIGTERM");
  await waitForExit(child, STOP_TIMEOUT_MS);
  // Whatever is left of the group after a graceful stop (or none) is ended now.
  killGroup(child, "SIGKILL");
  await waitForExit(child, STOP_TIMEOUT_MS);
  running.delete(child);
}

export type HealthOutcome =
  | { kind: "answered"; status: number }
  | { kind: "exited"; exitCode: number | null };

/** Polls /api/health until it answers at all or the process exits; the deadline is an error. */
async function firstHealthAnswer(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<HealthOutcome> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { kind: "exited", exitCode: child.exitCode };
    }
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return { kind: "answered", status: response.status };
    } catch {
      // Not listening yet.
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), waitForExit(child, 100)]);
  }
  throw new NextStartError(`/api/health did not answer within ${READY_TIMEOUT_MS} ms`, output(), null);
}

export type LaunchedServer = NextServer & {
  /** Resolves when /api/health first answers (any status) or the process exits. */
  health: () => Promise<HealthOutcome>;
};

/** Spawns `next start` and returns at once; for tests of servers that must refuse to start. */
export async function launchNextServer(options: NextServerOptions): Promise<LaunchedServer> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-H", "localhost", "-p", String(port)], {
    cwd: ROOT,
    env: isolatedEnv({ NEXT_DIST_DIR: TEST_DIST_DIR, ...options.env }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  const chunks: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => chunks.push(chunk));
  }
  const output = () => chunks.join("");
  return {
    url,
    port,
    output,
    stop: () => stopChild(child),
    health: () => firstHealthAnswer(url, child, output),
  };
}

async function startOnce(options: NextServerOptions): Promise<NextServer> {
  const server = await launchNextServer(options);
  try {
    const outcome = await server.health();
    if (outcome.kind === "exited") {
      throw new NextStartError("next start exited before it was ready", server.output(), outcome.exitCode);
    }
    if (outcome.status !== 200) {
      throw new NextStartError(`/api/health answered ${outcome.status}`, server.output(), null);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, port: server.port, output: server.output, stop: server.stop };
}

/** Starts the server and waits for a healthy answer; a port taken between probing and binding is retried. */
export async function startNextServer(options: NextServerOptions): Promise<NextServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (error) {
      const portTaken = error instanceof NextStartError && error.output.includes("EADDRINUSE");
      if (!portTaken || attempt === 3) throw error;
    }
  }
}

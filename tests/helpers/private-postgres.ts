import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A PostgreSQL server of the test's own — initdb into a temp dir, listening on
 * 127.0.0.1 on a free port — that the test may stop and start at will. The
 * machine's shared server (5432) is never touched. initdb and postgres refuse
 * to run as root, so as root every command runs as the `postgres` user.
 */

export type PrivatePostgres = {
  url: string;
  port: number;
  /** `pg_ctl stop -m immediate`: the server dies like a crash; open connections break. */
  stopImmediately: () => void;
  start: () => void;
  /**
   * SIGSTOP every process of the server: it keeps its connections and its port but
   * answers nothing, as a hung or partitioned database does. `thaw()` undoes it.
   */
  freeze: () => void;
  thaw: () => void;
  /** Stops the server (if running) and deletes its directory. Safe to call twice. */
  destroy: () => void;
};

const PG_ROOT = "/usr/lib/postgresql";

/** The bin directory of the newest installed PostgreSQL, or null when there is none. */
export function findPostgresBinaries(): string | null {
  if (!existsSync(PG_ROOT)) return null;
  const versions = readdirSync(PG_ROOT)
    .filter((version) => existsSync(path.join(PG_ROOT, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(PG_ROOT, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", path.join(bin, command), ...args]]
      : [path.join(bin, command), args];
    execFileSync(file, argv, { stdio: "pipe", timeout: 60_000 });
  };
  const root = mkdtempSync(path.join(os.tmpdir(), "stepwise-private-pg-"));
  const dataDir = path.join(root, "data");
  if (asRoot) {
    const ids = spawnSync("id", ["-u", "postgres"]).stdout.toString().trim();
    const gid = spawnSync("id", ["-g", "postgres"]).stdout.toString().trim();
    chownSync(root, Number(ids), Number(gid));
  }
  chmodSync(root, 0o700);
  const port = await freePort();
  let running = false;
  const start = () => {
    run("pg_ctl", [
      "start",
      "-D",
      dataDir,
      "-w",
      "-t",
      "30",
      "-l",
      path.join(root, "server.log"),
      "-o",
      // Loopback only, the socket in the test's own dir, nothing fsynced: a throwaway server.
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=off -c full_page_writes=off -c max_connections=40`,
    ]);
    running = true;
  };
  const stop = (mode: "immediate" | "fast") => {
    if (!running) return;
    running = false;
    run("pg_ctl", ["stop", "-D", dataDir, "-m", mode, "-w", "-t", "30"]);
  };
  try {
    run("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
    start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let frozen: number[] = [];
  const signalAll = (pids: number[], signal: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    }
  };
  const freeze = () => {
    const postmaster = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    frozen = [postmaster, ...descendantsOf(postmaster)];
    signalAll(frozen, "SIGSTOP");
  };
  const thaw = () => {
    signalAll(frozen, "SIGCONT");
    frozen = [];
  };
  let destroyed = false;
  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    process.off("exit", destroy);
    // A stopped server could not even be told to stop.
    thaw();
    try {
      stop("immediate");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  // A test process that dies before its afterAll (a hook timeout, a crash) still stops the server:
  // everything here is synchronous, which is all an exit handler can run.
  process.once("exit", destroy);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      destroy();
      process.exit(128 + (signal === "SIGTERM" ? 15 : 2));
    });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stopImmediately: () => stop("immediate"),
    start,
    freeze,
    thaw,
    destroy,
  };
}

/** Every process below `pid` (PostgreSQL's backends and workers), from /proc. */
function descendantsOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Coordination between test runs that share one checkout (and so one test
 * build): one run at a time may check or rebuild the build (an exclusive
 * lock), and a rebuild waits until no other run still serves the old one
 * (each run registers as a user until its teardown). Both are files named
 * after process ids, so a run that was killed leaves nothing that blocks.
 */

const WAIT_MS = 10 * 60_000;
const POLL_MS = 250;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, POLL_MS));

function lockOwner(lockDir: string): number {
  try {
    return Number(readFileSync(path.join(lockDir, "pid"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** A lock whose owner is gone, or that never got a pid (its taker died between mkdir and write). */
function isStale(lockDir: string, owner: number): boolean {
  if (owner) return !isAlive(owner);
  try {
    return Date.now() - statSync(lockDir).mtimeMs > 10_000;
  } catch {
    return false;
  }
}

/** Runs `work` holding the exclusive lock `lockDir` (a directory: mkdir is atomic). */
export async function withExclusiveLock<T>(lockDir: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "pid"), String(process.pid));
      break;
    } catch {
      const owner = lockOwner(lockDir);
      if (isStale(lockDir, owner)) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lockDir} is still held by process ${owner}`);
      await pause();
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Process ids of other live runs registered in `usersDir`; stale entries are removed. */
function otherUsers(usersDir: string): number[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(usersDir);
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (pid && isAlive(pid)) live.push(pid);
    else rmSync(path.join(usersDir, entry), { force: true });
  }
  return live;
}

/** Waits until no other run uses the build; call it holding the exclusive lock. */
export async function waitForOtherUsers(usersDir: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (let users = otherUsers(usersDir); users.length > 0; users = otherUsers(usersDir)) {
    if (Date.now() > deadline) {
      throw new Error(`the test build is still in use by process(es) ${users.join(", ")}`);
    }
    await pause();
  }
}

/** Marks this run as a user of the build until the returned function is called. */
export function registerUser(usersDir: string): () => void {
  mkdirSync(usersDir, { recursive: true });
  const file = path.join(usersDir, String(process.pid));
  writeFileSync(file, "");
  return () => rmSync(file, { force: true });
}

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * One engine per data directory: two engines writing one store would both
 * run every timer and every step. The lock is a file holding the owner's
 * PID, so a refusal can say who holds it; a lock left by a dead process
 * (kill -9) is taken over. SQLite's exclusive locking mode is the second
 * line (see sqlite-journal.ts) for the race the PID check cannot close.
 */

export const LOCK_FILE = "engine.lock";

/** Directories this process holds: a second engine in the same process is refused too. */
const heldHere = new Set<string>();

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The local engine's data directory ${dir} is in use by another engine (PID ${pid}). ` +
        `Stop that engine or pick another directory (LOCAL_ENGINE_DATA_DIR for npm run dev / npm start, --data-dir for the engine alone); if PID ${pid} is not an engine, delete ${path.join(dir, LOCK_FILE)}.`,
    );
    this.name = "DataDirLockedError";
  }
}

/** Take the lock or throw `DataDirLockedError`; returns the release function. */
export function lockDataDir(dir: string): () => void {
  const resolved = path.resolve(dir);
  mkdirSync(resolved, { recursive: true });
  const file = path.join(resolved, LOCK_FILE);
  if (heldHere.has(resolved)) throw new DataDirLockedError(resolved, process.pid);

  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      heldHere.add(resolved);
      return () => release(resolved, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = readPid(file);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirLockedError(resolved, owner);
    }
    // Stale: its owner died (or it is unreadable). Remove it and try again;
    // if another process wins the race, the next round reports it.
    try {
      unlinkSync(file);
    } catch {
      // Already gone: someone else is taking it over; retry.
    }
  }
  throw new DataDirLockedError(resolved, readPid(file) ?? -1);
}

function release(dir: string, file: string) {
  heldHere.delete(dir);
  // Only remove the file while it is still ours.
  if (readPid(file) === process.pid) {
    try {
      unlinkSync(file);
    } catch {
      // Nothing to release.
    }
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // Right after a kill -9 the old engine may linger as a zombie (killed, not yet reaped):
  // it answers kill(pid, 0) but holds nothing. /proc tells; without /proc, trust kill.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return true;
  }
}

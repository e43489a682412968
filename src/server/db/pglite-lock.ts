import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { isProcessAlive } from "@/lib/process-alive";

/**
 * PGlite has no lock of its own, and two instances on one data directory corrupt
 * it beyond repair. This lock file next to the directory (`<dir>.lock`, holding
 * the owner's PID) makes a second opener fail with a clear message instead. It
 * sits beside the directory, not inside it, so a fresh directory stays empty for
 * initdb and a copied directory never carries a lock with it.
 *
 * A lock whose PID is dead is stale (a crash, kill -9) and is taken over. The
 * takeover itself is guarded by a second exclusive file, so two processes that
 * find the same stale lock cannot both win.
 */

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database ${dataDir} is already open in process ${pid}. ` +
        "PGlite allows one process per data directory: stop that process, or point PGLITE_DIR " +
        "(or DATABASE_URL=pglite:<dir>) at another directory.",
    );
    this.name = "DataDirLockedError";
  }
}

export type DataDirLock = { dataDir: string; release: () => void };

type LockRecord = { pid: number; acquiredAt: string };

/** Locks held by this process, on globalThis so every bundle of the app sees the same set. */
const HELD_KEY = Symbol.for("stepwise.pglite.locks");
function heldLocks(): Set<string> {
  const scope = globalThis as { [HELD_KEY]?: Set<string> };
  if (!scope[HELD_KEY]) {
    const held = new Set<string>();
    scope[HELD_KEY] = held;
    // Whatever way the process ends, it no longer holds the directory; a synchronous unlink is all
    // an exit handler can do. (kill -9 skips this: the dead PID makes the lock stale instead.)
    process.once("exit", () => {
      for (const file of held) rmSync(file, { force: true });
    });
  }
  return scope[HELD_KEY];
}

export function lockFileOf(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

/** Takes the data directory's lock or throws DataDirLockedError naming the holder. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = lockFileOf(dataDir);
  const held = heldLocks();
  if (held.has(file)) throw new DataDirLockedError(dataDir, process.pid);
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(file)) {
      held.add(file);
      return { dataDir, release: () => release(file) };
    }
    const holder = readRecord(file);
    if (holder && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder.pid);
    takeOverStale(file, holder);
  }
  throw new Error(`Could not lock ${dataDir}: its lock file kept changing`);
}

function release(file: string): void {
  if (!heldLocks().delete(file)) return;
  // Only remove a lock that is still ours (a takeover after a pause must not be undone).
  if (readRecord(file)?.pid === process.pid) rmSync(file, { force: true });
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    const record: LockRecord = { pid: process.pid, acquiredAt: new Date().toISOString() };
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's holder, or null when the file is gone, half-written or unreadable as ours. */
function readRecord(file: string): LockRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockRecord>;
    return typeof parsed.pid === "number" && Number.isInteger(parsed.pid) && parsed.pid > 0
      ? { pid: parsed.pid, acquiredAt: String(parsed.acquiredAt) }
      : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  // Our own PID in a lock we do not hold is a leftover of an earlier process that had the same PID
  // (containers reuse low PIDs after a restart).
  if (pid === process.pid) return false;
  return isProcessAlive(pid);
}

const TAKEOVER_ABANDONED_MS = 10_000;

function takeOverStale(file: string, seen: LockRecord | null): void {
  const guard = `${file}.takeover`;
  if (!tryCreate(guard)) {
    // Someone else is taking over right now; a guard left by a process that died mid-takeover
    // (a window of microseconds) is cleared once it is clearly abandoned.
    if (Date.now() - mtimeOf(guard) > TAKEOVER_ABANDONED_MS) rmSync(guard, { force: true });
    sleepSync(20);
    return;
  }
  try {
    const now = readRecord(file);
    // A half-written lock (null) from a live process is only ever seen for an instant; wait for it.
    if (now === null && seen === null && Date.now() - mtimeOf(file) < 1000) {
      sleepSync(20);
      return;
    }
    if (now?.pid !== seen?.pid) return; // it changed under us: look again
    // rename, not unlink: the stale file disappears atomically and can never be a new owner's.
    renameSync(file, `${file}.stale-${process.pid}`);
    rmSync(`${file}.stale-${process.pid}`, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  } finally {
    rmSync(guard, { force: true });
  }
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

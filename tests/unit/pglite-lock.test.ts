import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir, lockFileOf } from "@/server/db/pglite-lock";

let root: string;
let dataDir: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "stepwise-lock-"));
  dataDir = path.join(root, "pglite");
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function writeLock(pid: number): void {
  writeFileSync(lockFileOf(dataDir), JSON.stringify({ pid, acquiredAt: new Date().toISOString() }));
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("the PGlite data directory lock", () => {
  it("is a file beside the directory naming this process, removed on release", () => {
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8")).pid).toBe(process.pid);
    expect(lockFileOf(dataDir)).toBe(`${dataDir}.lock`);
    lock.release();
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
    lockDataDir(dataDir).release();
  });

  it("refuses a second opener in the same process", () => {
    const lock = lockDataDir(dataDir);
    expect(() => lockDataDir(dataDir)).toThrow(DataDirLockedError);
    lock.release();
  });

  it("refuses while another live process holds it, naming the directory and the PID", () => {
    writeLock(process.ppid);
    let thrown: unknown;
    try {
      lockDataDir(dataDir);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirLockedError);
    expect((thrown as Error).message).toContain(dataDir);
    expect((thrown as Error).message).toContain(`process ${process.ppid}`);
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8")).pid).toBe(process.ppid);
  });

  it("takes over a stale lock whose process is dead", () => {
    writeLock(deadPid());
    const lock = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(lockFileOf(dataDir), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("takes over an unreadable lock file that is not fresh", () => {
    writeFileSync(lockFileOf(dataDir), "garbage");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockFileOf(dataDir), old, old);
    lockDataDir(dataDir).release();
  });

  it("a release does not remove a lock that another process has since taken", () => {
    const lock = lockDataDir(dataDir);
    writeLock(process.ppid);
    lock.release();
    expect(existsSync(lockFileOf(dataDir))).toBe(true);
  });
});

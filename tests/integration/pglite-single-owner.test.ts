import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { lockDataDir, lockFileOf } from "@/server/db/pglite-lock";

/**
 * One PGlite instance per data directory: every copy of the client module (Next
 * bundles it once per page, route and instrumentation bundle) shares one handle,
 * and another process — the migrate CLI here — is refused with the holder's PID.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "stepwise-owner-"));
  process.env.DATABASE_URL = "pglite:memory";
  process.env.LOG_LEVEL = "silent";
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function runMigrateCli(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // react-server: db/client imports "server-only", which throws under any other condition (as in npm run db:migrate).
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "src/server/db/migrate-cli.ts"],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: "development",
          DATABASE_URL: databaseUrl,
          LOG_LEVEL: "silent",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

describe("one database handle per process", () => {
  // Opens PGlite (WASM start-up) twice over: seconds alone, over 30 s once on a saturated machine.
  it("two copies of the client module share one connection", { timeout: 120_000 }, async () => {
    const first = await import("@/server/db/client");
    vi.resetModules();
    const second = await import("@/server/db/client");
    expect(second).not.toBe(first);
    expect(await second.getDb()).toBe(await first.getDb());
    await first.closeDb();
    // Closed for both copies: the next call opens a new one.
    const reopened = await second.getDb();
    expect(reopened).not.toBeUndefined();
    await second.closeDb();
  });

  it("closeDb is idempotent and concurrent callers share one close", async () => {
    const { closeDb, getDb } = await import("@/server/db/client");
    await getDb();
    await Promise.all([closeDb(), closeDb(), closeDb()]);
    await closeDb();
  });
});

describe("another process on the same data directory", () => {
  it("the migrate CLI is refused while the directory is open, naming it and the PID", async () => {
    const dataDir = path.join(tmp, "held");
    const lock = lockDataDir(dataDir);
    try {
      const { code, output } = await runMigrateCli(`pglite:${dataDir}`);
      expect(code).toBe(1);
      expect(output).toContain(dataDir);
      expect(output).toContain(`process ${process.pid}`);
      expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
    } finally {
      lock.release();
    }
  });

  it("the migrate CLI opens, migrates and unlocks a free directory", async () => {
    const dataDir = path.join(tmp, "free");
    const { code, output } = await runMigrateCli(`pglite:${dataDir}`);
    expect(output).toContain("migrations applied");
    expect(code).toBe(0);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  }, 60_000);
});

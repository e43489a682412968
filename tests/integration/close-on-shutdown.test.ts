import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockFileOf } from "@/server/db/pglite-lock";

/**
 * SIGINT/SIGTERM close the embedded database before the process exits, also
 * when the host (like Next's start-server) calls process.exit synchronously
 * from its own signal handler; the directory then opens again.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "stepwise-shutdown-"));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function startHost(dataDir: string, likeNext: boolean) {
  // react-server: db/client imports "server-only", which throws under any other condition (as in npm run db:migrate).
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "tests/fixtures/shutdown-host.ts",
      ...(likeNext ? ["--like-next"] : []),
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "development",
        DATABASE_URL: `pglite:${dataDir}`,
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("ready")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
    child.on("exit", () => reject(new Error(`host exited early:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => output };
}

describe("closing the database on a signal", () => {
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} with a host that exits synchronously (like Next): closed, unlocked, reopens`, async () => {
      const dataDir = path.join(tmp, `like-next-${signal}`);
      const host = startHost(dataDir, true);
      await host.ready;
      expect(existsSync(lockFileOf(dataDir))).toBe(true);
      host.child.kill(signal);
      expect(await host.exited).toBe(code);
      expect(host.output()).toMatch(/database closed in \d+ ms/);
      expect(existsSync(lockFileOf(dataDir))).toBe(false);
      const again = startHost(dataDir, true);
      await again.ready;
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(143);
    }, 90_000);
  }

  it("SIGINT with nobody else handling it: closes and exits by itself", async () => {
    const dataDir = path.join(tmp, "alone");
    const host = startHost(dataDir, false);
    await host.ready;
    host.child.kill("SIGINT");
    expect(await host.exited).toBe(130);
    expect(host.output()).toMatch(/database closed in \d+ ms/);
    expect(existsSync(lockFileOf(dataDir))).toBe(false);
  }, 60_000);
});

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "@/lib/process-alive";
import { until } from "../helpers/until";

/** Locks name their owner by PID; a killed owner that is not reaped yet must not hold them. */
describe("isProcessAlive", () => {
  it("is true for a running process and false for one that is gone", async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn("sleep", ["5"]);
    const pid = child.pid ?? 0;
    expect(isProcessAlive(pid)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(isProcessAlive(pid)).toBe(false);
  });

  it.runIf(existsSync("/proc/self/stat"))(
    "is false for a zombie: killed, not yet reaped by its parent",
    async () => {
      // sh starts a short sleep, prints its PID, then becomes a long sleep that never reaps it.
      const parent = spawn("sh", ["-c", "sleep 0.05 & echo $!; exec sleep 10"]);
      try {
        const zombie = await new Promise<number>((resolve) =>
          parent.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
        );
        await until(() => !isProcessAlive(zombie), "the short sleep to end");
        // It still exists as far as kill(pid, 0) can tell: a zombie, not a free PID.
        expect(() => process.kill(zombie, 0)).not.toThrow();
        expect(isProcessAlive(zombie)).toBe(false);
      } finally {
        parent.kill("SIGKILL");
      }
    },
  );
});

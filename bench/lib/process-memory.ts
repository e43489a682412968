import { readFileSync } from "node:fs";
import { groupMembers } from "../../tests/helpers/process-group";

/** Resident set size of one process in bytes, from /proc (0 once it is gone). Linux only. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The launcher's process group split as the benchmarks report it: the launcher
 * process hosts the local engine; every other live member is Next (its server
 * and any worker it started).
 */
export function launcherMemory(launcherPid: number): { engine: number; app: number } {
  const app = groupMembers(launcherPid, { live: true })
    .filter((pid) => pid !== launcherPid)
    .reduce((sum, pid) => sum + rssOf(pid), 0);
  return { engine: rssOf(launcherPid), app };
}

export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

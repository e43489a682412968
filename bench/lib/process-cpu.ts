import { readdirSync, readFileSync } from "node:fs";
import { groupMembers } from "../../tests/helpers/process-group";

/** Linux's clock tick for /proc times (USER_HZ): 100 on every kernel this runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time one process has used so far, in ms (0 once it is gone). Linux only. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state …": utime and stime are fields 14 and 15, the 12th and 13th after comm.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Every PostgreSQL server process of the machine (its backends and background workers). */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres") pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

export type CpuReading = { app: number; engine: number; bare: number; postgres: number };

/**
 * CPU time used so far by each part of a benchmark: Next (every process of the
 * launcher's group but the launcher), the launcher (which hosts the engine), the
 * bare SDK app and PostgreSQL (all of the machine's server processes; the machine
 * is meant to be quiet). Differences of two readings are what a phase cost.
 * Processes that exit between readings take their time with them: read within
 * one life of the stack.
 */
export function readCpu(launcherPid: number, barePid: number): CpuReading {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + cpuMsOf(pid), 0);
  return {
    app: sum(groupMembers(launcherPid, { live: true }).filter((pid) => pid !== launcherPid)),
    engine: cpuMsOf(launcherPid),
    bare: cpuMsOf(barePid),
    postgres: sum(postgresPids()),
  };
}

export function cpuSince(before: CpuReading, after: CpuReading): CpuReading {
  return {
    app: after.app - before.app,
    engine: after.engine - before.engine,
    bare: after.bare - before.bare,
    postgres: after.postgres - before.postgres,
  };
}

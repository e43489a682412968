import { readdirSync, readFileSync } from "node:fs";

/**
 * Process-group plumbing for tests that run the app the way a person does: the
 * launcher is started detached (its own group), so one signal reaches it, the
 * Next server it spawned and every worker Next started — as a terminal's Ctrl-C
 * or `kill -9 -<pgid>` does. Linux only (reads /proc), like CI.
 */

/**
 * Members of a process group. Zombies count unless `live`: a killed process stays
 * in the table until its parent (for orphans, PID 1, which here reaps about a
 * second later) collects it, and until then `kill(pid, 0)` still finds it.
 */
export function groupMembers(pgid: number, options: { live?: boolean } = {}): number[] {
  const members: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // Exited while we looked.
    }
    // "pid (comm) state ppid pgrp …": comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [state, , pgrp] = fields;
    const dead = state === "Z" || state === "X";
    if (Number(pgrp) === pgid && !(options.live && dead)) members.push(Number(entry));
  }
  return members;
}

/** Signals every process of the group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left.
  }
}

/** Signals one process only (SIGSTOP/SIGCONT of the launcher, which hosts the engine). */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: already gone.
  }
}

/**
 * Polls until nothing of the group is left, zombies included: what a person sees
 * in `ps` before starting the app again. With `live`, dead but not yet reaped
 * processes are not waited for: a supervisor restarting at once sees those.
 * False at the deadline.
 */
export async function waitForGroupGone(
  pgid: number,
  timeoutMs: number,
  options: { live?: boolean } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(pgid, options).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

import { readFileSync } from "node:fs";

/**
 * Whether a process with this PID is running. A killed process whose parent has
 * not reaped it yet (a zombie, state Z in /proc) still answers `kill(pid, 0)`, and
 * right after a `kill -9` of a whole process group there are such zombies for a
 * moment: they count as gone, or a restart would find its own lock "in use".
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (command) S …": the command may contain spaces and parentheses; the state follows the last ")".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state === "Z" || state === "X";
  } catch {
    // No /proc (macOS, Windows): kill(pid, 0) is all there is.
    return false;
  }
}

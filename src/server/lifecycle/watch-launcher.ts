import { isProcessAlive } from "@/lib/process-alive";

/**
 * `npm run dev` / `npm start` run the app under a launcher that also runs the
 * local engine. If the launcher dies without a word (`kill -9`), the app must not
 * live on without it, holding the database lock and the port, so that the next
 * `npm run dev` cannot start: it stops itself the orderly way (SIGTERM, which
 * closes the database) as soon as the launcher is gone.
 */
export function exitWithLauncher(launcherPid: number | undefined, intervalMs = 1_000): void {
  if (!launcherPid || launcherPid === process.pid) return;
  const timer = setInterval(() => {
    if (isProcessAlive(launcherPid)) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, intervalMs);
  timer.unref();
}

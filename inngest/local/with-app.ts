// npm run dev | npm start – the app on its embedded defaults: the local engine next to Next.js.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { retryBackoffFromEnv } from "./backoff";
import { createLocalEngine, type LocalEngine } from "./index";
import { startCronTimer } from "./launcher-crons";
import { loadOrCreateSigningKey } from "./signing-key-file";

/**
 * Starts the local Inngest engine, then `next dev` or `next start` pointed at it,
 * and keeps the engine synced with the app's /api/inngest. When INNGEST_DEV is a
 * URL or INNGEST_BASE_URL is set (a real `npx inngest-cli dev`, say), the bundled
 * engine stays off and Next talks to that server instead: no code change.
 *
 * Nothing is lost across a stop: the engine keeps its state in
 * LOCAL_ENGINE_DATA_DIR (default `.data/engine`), so runs in flight continue after
 * a restart, even after `kill -9`. On SIGINT/SIGTERM the launcher passes the
 * signal on, waits (bounded) for Next to close its database, and only then closes
 * the engine. It also plays Vercel Cron: it calls the reconciler and retention
 * routes on a timer, so the embedded default repairs stuck runs by itself.
 *
 * The engine and the app share a signing key, as Inngest Cloud and an app do:
 * the engine signs every call and the app (in cloud mode) verifies it, so nobody
 * else can drive the app's functions through /api/inngest. The key is
 * INNGEST_SIGNING_KEY when set, else `<data dir>/signing-key`, made on first
 * start. INNGEST_DEV=1 is the explicit opt-out: the old unsigned dev mode.
 */

const command = process.argv[2] === "start" ? "start" : "dev";
for (const file of [".env", ".env.local"]) if (existsSync(file)) process.loadEnvFile(file);

const port = Number(process.env.PORT ?? 3000);
const enginePort = Number(process.env.LOCAL_ENGINE_PORT ?? 8288);
const engineDataDir = path.resolve(process.env.LOCAL_ENGINE_DATA_DIR ?? path.join(".data", "engine"));
const external =
  process.env.INNGEST_BASE_URL ??
  (/^https?:\/\//.test(process.env.INNGEST_DEV ?? "") ? process.env.INNGEST_DEV : undefined);
/** INNGEST_DEV=1 (not a URL): the bundled engine with unsigned calls, as before signing existed. */
const unsigned = ["1", "true"].includes(process.env.INNGEST_DEV ?? "");
/** How long Next gets to finish requests and close the database after a signal. */
const STOP_TIMEOUT_MS = Number(process.env.STEPWISE_STOP_TIMEOUT_MS ?? 15_000);

async function main(): Promise<void> {
  let engine: LocalEngine | undefined;
  const appUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    // The example workflow's HTTP node calls the app itself: follow the port it really serves on.
    APP_URL: process.env.APP_URL ?? appUrl,
    // The cron routes answer only to this; made up per session unless set.
    CRON_SECRET: process.env.CRON_SECRET || randomBytes(24).toString("hex"),
    // The app exits when this process is gone (kill -9 of the launcher alone), so it never
    // outlives it holding the database lock and the port.
    STEPWISE_LAUNCHER_PID: String(process.pid),
    // `next dev` gives its server 100 ms after a signal before SIGKILL: too short to close a database.
    NEXT_EXIT_TIMEOUT_MS: process.env.NEXT_EXIT_TIMEOUT_MS ?? String(STOP_TIMEOUT_MS),
  };
  if (external) {
    console.log(`[stepwise] using the Inngest server at ${external}; the bundled local engine stays off`);
  } else {
    const signingKey = unsigned ? undefined : process.env.INNGEST_SIGNING_KEY || signingKeyFromDataDir();
    engine = await createLocalEngine({
      port: enginePort,
      clock: "real",
      dataDir: engineDataDir,
      appUrls: [`${appUrl}/api/inngest`],
      signingKey,
      retryBackoff: retryBackoffFromEnv(process.env),
    });
    if (signingKey) {
      // Cloud mode against the local engine: the SDK verifies every call and sync with the key.
      env.INNGEST_DEV = "0";
      env.INNGEST_BASE_URL = engine.url;
      env.INNGEST_SIGNING_KEY = signingKey;
      // Cloud mode needs an event key to send; the local engine accepts any.
      env.INNGEST_EVENT_KEY = process.env.INNGEST_EVENT_KEY || "local";
    } else {
      env.INNGEST_DEV = engine.url;
      console.warn("[stepwise] INNGEST_DEV=1: /api/inngest accepts unsigned calls; keep it off any network");
    }
    const calls = signingKey ? "calls signed" : "calls unsigned";
    console.log(`[stepwise] local Inngest engine on ${engine.url} (state in ${engineDataDir}; ${calls})`);
  }
  if (command === "start") {
    // `next start` always runs with NODE_ENV=production; this flag lets a local build
    // use the embedded database and engine (the env module refuses it on Vercel).
    env.STEPWISE_EMBEDDED ??= "1";
  }

  const next = path.join("node_modules", ".bin", process.platform === "win32" ? "next.cmd" : "next");
  const child: ChildProcess = spawn(next, [command, "-H", "localhost", "-p", String(port)], {
    stdio: "inherit",
    env,
  });
  const stopCrons = startCronTimer({
    appUrl,
    secret: env.CRON_SECRET ?? "",
    intervalMs: Number(process.env.RECONCILE_INTERVAL_S ?? 30) * 1000,
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    stopCrons();
    await engine?.close().catch((error: unknown) => {
      console.error("[stepwise] the local engine did not close cleanly:", error);
    });
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stopCrons();
      // A terminal's Ctrl-C reaches Next too; a `kill` of this process alone does not.
      child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
      const force = setTimeout(() => {
        console.error(`[stepwise] Next did not stop within ${STOP_TIMEOUT_MS} ms; killing it`);
        child.kill("SIGKILL");
      }, STOP_TIMEOUT_MS + 2_000);
      force.unref();
    });
  }
  child.on("exit", (code, signal) => void shutdown(code ?? (signal ? 1 : 0)));
}

/** `<data dir>/signing-key`, made on first start; says so once, without printing the key. */
function signingKeyFromDataDir(): string {
  const { key, file, created } = loadOrCreateSigningKey(engineDataDir);
  if (created) console.log(`[stepwise] made a signing key for the engine and the app: ${file}`);
  return key;
}

main().catch((error: unknown) => {
  console.error("[stepwise] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});

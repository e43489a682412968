// npm run dev | npm start – the app on its embedded defaults: the local engine next to Next.js.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createLocalEngine, type LocalEngine } from "./index";

/**
 * Starts the local Inngest engine, then `next dev` or `next start` pointed at it,
 * and keeps the engine synced with the app's /api/inngest. When INNGEST_DEV is a
 * URL or INNGEST_BASE_URL is set (a real `npx inngest-cli dev`, say), the bundled
 * engine stays off and Next talks to that server instead: no code change.
 */

const command = process.argv[2] === "start" ? "start" : "dev";
for (const file of [".env", ".env.local"]) if (existsSync(file)) process.loadEnvFile(file);

const port = Number(process.env.PORT ?? 3000);
const enginePort = Number(process.env.LOCAL_ENGINE_PORT ?? 8288);
const external =
  process.env.INNGEST_BASE_URL ??
  (/^https?:\/\//.test(process.env.INNGEST_DEV ?? "") ? process.env.INNGEST_DEV : undefined);

async function main(): Promise<void> {
  let engine: LocalEngine | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  if (external) {
    console.log(`[stepwise] using the Inngest server at ${external}; the bundled local engine stays off`);
  } else {
    engine = await createLocalEngine({
      port: enginePort,
      clock: "real",
      appUrls: [`http://localhost:${port}/api/inngest`],
    });
    env.INNGEST_DEV = engine.url;
    console.log(`[stepwise] local Inngest engine on ${engine.url}`);
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

  const shutdown = async (code: number) => {
    await engine?.close().catch(() => {});
    process.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      child.kill(signal);
    });
  }
  child.on("exit", (code, signal) => void shutdown(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  console.error("[stepwise] could not start:", error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * Run the local engine standalone, in place of `npx inngest-cli dev`:
 *
 *   tsx inngest/local/cli.ts --port 8288 --app http://localhost:3000/api/inngest
 *
 * Logs one line per run start and finish; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { retryBackoffFromEnv } from "./backoff";
import { createLocalEngine } from "./engine";
import type { EngineMode } from "./types";

const USAGE = `Usage: tsx inngest/local/cli.ts [options]
  --port <n>         port to listen on (default 8288, 0 = random)
  --host <h>         host to bind (default 127.0.0.1)
  --app <url>        serve URL to sync, repeatable (also INNGEST_LOCAL_APPS, comma-separated)
  --mode <m>         checkpoint (default) | classic
  --signing-key <k>  sign calls for apps in cloud mode (default INNGEST_SIGNING_KEY if set)
  --data-dir <dir>   keep runs, events and timers in <dir>/engine.sqlite so they survive a restart
                     (default: in memory; also INNGEST_LOCAL_DATA_DIR)
  --quiet            log warnings and errors only
Env: LOCAL_ENGINE_FAST_RETRIES=1 retries after 1 s, 2 s, 4 s … 1 min instead of Inngest's 15 s … 2 h table`;

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      app: { type: "string", multiple: true },
      mode: { type: "string" },
      "signing-key": { type: "string" },
      "data-dir": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const mode = (values.mode ?? "checkpoint") as EngineMode;
  if (mode !== "checkpoint" && mode !== "classic")
    throw new Error(`--mode must be checkpoint or classic\n${USAGE}`);
  const port = Number(values.port ?? process.env.LOCAL_ENGINE_PORT ?? 8288);
  if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a number\n${USAGE}`);
  const envApps = (process.env.INNGEST_LOCAL_APPS ?? "").split(",").filter(Boolean);
  const stamp = () => new Date().toISOString().slice(11, 23);

  const engine = await createLocalEngine({
    port,
    host: values.host,
    mode,
    appUrls: [...(values.app ?? []), ...envApps],
    signingKey: values["signing-key"] ?? process.env.INNGEST_SIGNING_KEY,
    retryBackoff: retryBackoffFromEnv(process.env),
    dataDir: values["data-dir"] ?? (process.env.INNGEST_LOCAL_DATA_DIR || undefined),
    logger: {
      info: (message) => {
        if (!values.quiet) console.log(`${stamp()} ${message}`);
      },
      warn: (message) => console.warn(`${stamp()} ${message}`),
      error: (message) => console.error(`${stamp()} ${message}`),
    },
  });
  const where = engine.dataDir ? `state in ${engine.dataDir}` : "state in memory";
  console.log(`${stamp()} [inngest-local] listening on ${engine.url} (${mode} mode, ${where})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${stamp()} [inngest-local] ${signal}: shutting down`);
    engine.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

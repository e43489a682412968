/**
 * The baseline of the run benchmarks: a plain Inngest SDK v4 app, nothing of
 * Stepwise in it. One function runs `event.data.steps` trivial `step.run`s in a
 * row, configured as the app's client is (cloud mode with the engine's signing
 * key, checkpointing on), served by the SDK's own `inngest/node` handler on
 * 127.0.0.1. Started by bench/lib/bare-app.ts as its own process, so its memory
 * is measured apart from the app's and the engine's; it registers itself with
 * the engine it is given and reports each finished run over IPC.
 *
 * Environment: BARE_ENGINE_URL, BARE_SIGNING_KEY.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest } from "inngest";
import { serve } from "inngest/node";
import type { BareMessage, BareRequest } from "./lib/bare-protocol";

const send = (message: BareMessage) => process.send?.(message);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

const inngest = new Inngest({
  id: "bare-bench",
  isDev: false,
  baseUrl: process.env.BARE_ENGINE_URL,
  signingKey: process.env.BARE_SIGNING_KEY,
  eventKey: "local",
  logger: silent,
  checkpointing: { maxRuntime: "240s" },
});

const chain = inngest.createFunction(
  { id: "chain", triggers: [{ event: "bench/chain.run" }] },
  async ({ event, step }) => {
    const steps = Number(event.data.steps);
    let value = 0;
    for (let i = 0; i < steps; i++) value = await step.run(`step-${i}`, () => value + 1);
    // Runs once, when every step is done and the function returns.
    send({ kind: "done", id: String(event.data.id), at: Date.now() });
    return value;
  },
);

async function main() {
  const handler = serve({ client: inngest, functions: [chain] });
  const server = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  // A PUT makes the SDK register its functions with the engine at BARE_ENGINE_URL.
  const sync = await fetch(url, { method: "PUT" });
  if (!sync.ok) throw new Error(`registering with the engine failed: ${sync.status} ${await sync.text()}`);
  process.on("message", (request: BareRequest) => {
    if (request.kind !== "memory") return;
    const memory = process.memoryUsage();
    send({ kind: "memory", rss: memory.rss, heapUsed: memory.heapUsed });
  });
  process.on("disconnect", () => process.exit(0));
  send({ kind: "ready", url });
}

main().catch((error: unknown) => {
  console.error("bare-sdk-app:", error);
  process.exit(1);
});

import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import type { BareMessage } from "./bare-protocol";
import { httpJson } from "./http";

/** The bare SDK app (bench/bare-sdk-app.ts) in its own process, served on the given engine. */
export type BareApp = {
  pid: number;
  url: string;
  /** Sends one event for a run of `steps` step.runs; resolves with when its function returned (epoch ms). */
  startRun: (steps: number) => Promise<{ finished: Promise<number> }>;
  /** RSS and heap of the bare app's process, as it reports them. */
  memory: () => Promise<{ rss: number; heapUsed: number }>;
  stop: () => Promise<void>;
};

const APP = path.join(import.meta.dirname, "..", "bare-sdk-app.ts");
let sequence = 0;

export async function startBareApp(engineUrl: string, signingKey: string): Promise<BareApp> {
  const child: ChildProcess = fork(APP, [], {
    execArgv: ["--import", "tsx"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      BARE_ENGINE_URL: engineUrl,
      BARE_SIGNING_KEY: signingKey,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const finished = new Map<string, (at: number) => void>();
  let memoryReply: ((m: { rss: number; heapUsed: number }) => void) | undefined;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`the bare SDK app exited with ${code} before it was ready`)),
    );
    child.on("message", (message: BareMessage) => {
      if (message.kind === "ready") resolve(message.url);
      else if (message.kind === "done") {
        finished.get(message.id)?.(message.at);
        finished.delete(message.id);
      } else if (message.kind === "memory") memoryReply?.(message);
    });
  });
  const url = await ready;

  const startRun: BareApp["startRun"] = async (steps) => {
    const id = `bare-${process.pid}-${++sequence}`;
    const done = new Promise<number>((resolve) => finished.set(id, resolve));
    const sent = await httpJson("POST", `${engineUrl}/e/local`, {
      body: [{ name: "bench/chain.run", data: { steps, id } }],
    });
    if (sent.status !== 200) throw new Error(`engine refused the event: ${sent.status} ${sent.text}`);
    return { finished: done };
  };
  const memory = () =>
    new Promise<{ rss: number; heapUsed: number }>((resolve) => {
      memoryReply = resolve;
      child.send({ kind: "memory" });
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(killed);
  };
  return { pid: child.pid ?? 0, url, startRun, memory, stop };
}

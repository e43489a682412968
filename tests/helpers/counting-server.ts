import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that counts every hit per path, so tests can prove a
 * node body ran exactly once (or exactly three times when it failed twice).
 *   /ok/<name>               200 { name }
 *   /flaky/<name>?fail=N     500 for the first N hits of that path, then 200
 *   /status/<code>           answers that status
 *   /nul                     200 text with a NUL character in it
 *   /hang                    never answers (until the server closes)
 *   /hold/<name>             answers only once the test calls release(name)
 *   /slow/<name>?ms=N        200 { name, hits } after N ms (at most 30 s)
 *   /effect/<name>?ms=N      an idempotent side effect: the first request with a given
 *                            Idempotency-Key applies it, later ones with that key replay
 *                            it; answers { name, effectId, replayed } after N ms
 * Every request is also logged with its Idempotency-Key, so a test can tell a
 * retried call (same key) from a second execution (another key).
 */
export type CountingServer = {
  url: string;
  hits: (path: string) => number;
  /** Lets the held requests to /hold/<name> answer. */
  release: (name: string) => void;
  /** "arrive:<name>" and "release:<name>" in the order they happened. */
  holdLog: string[];
  /** Every request in arrival order. */
  requests: SinkRequest[];
  /** The effects /effect/<name> applied, one per Idempotency-Key, in order. */
  effects: SinkEffect[];
  close: () => Promise<void>;
};

export type SinkRequest = {
  method: string;
  path: string;
  idempotencyKey: string | null;
  arrivedAt: number;
  /** When the answer was written (Date.now()); null while the caller still waits for it. */
  answeredAt: number | null;
};
export type SinkEffect = { effectId: number; path: string; idempotencyKey: string | null; hits: number };

const MAX_DELAY_MS = 30_000;

export async function startCountingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const holdLog: string[] = [];
  const held = new Map<string, Array<() => void>>();
  const released = new Set<string>();
  const requests: SinkRequest[] = [];
  const effects: SinkEffect[] = [];
  const effectByKey = new Map<string, SinkEffect>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const hits = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, hits);
    const idempotencyKey = req.headers["idempotency-key"];
    const key = typeof idempotencyKey === "string" ? idempotencyKey : null;
    const request: SinkRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      idempotencyKey: key,
      arrivedAt: Date.now(),
      answeredAt: null,
    };
    requests.push(request);
    res.once("finish", () => {
      request.answeredAt = Date.now();
    });
    const [, kind, arg] = url.pathname.split("/");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const later = (answer: () => void) => {
      const ms = Math.min(Number(url.searchParams.get("ms") ?? "0") || 0, MAX_DELAY_MS);
      if (ms <= 0) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        // The caller may have died meanwhile (a killed app); there is nobody to answer.
        if (!res.destroyed) answer();
      }, ms);
      timers.add(timer);
    };
    if (kind === "ok") return send(200, { name: arg, hits });
    if (kind === "flaky") {
      const fail = Number(url.searchParams.get("fail") ?? "2");
      return hits <= fail ? send(500, { error: "try again", hits }) : send(200, { name: arg, hits });
    }
    if (kind === "status") return send(Number(arg), { status: Number(arg) });
    if (kind === "slow") return later(() => send(200, { name: arg, hits }));
    if (kind === "effect") {
      // Applied on arrival, like a provider that commits before it answers.
      const known = key === null ? undefined : effectByKey.get(key);
      const effect = known ?? {
        effectId: effects.length + 1,
        path: url.pathname,
        idempotencyKey: key,
        hits: 0,
      };
      effect.hits += 1;
      if (!known) {
        effects.push(effect);
        if (key !== null) effectByKey.set(key, effect);
      }
      return later(() => send(200, { name: arg, effectId: effect.effectId, replayed: known !== undefined }));
    }
    if (kind === "hang") return;
    if (kind === "hold" && arg) {
      holdLog.push(`arrive:${arg}`);
      if (released.has(arg)) return send(200, { name: arg });
      held.set(arg, [...(held.get(arg) ?? []), () => send(200, { name: arg })]);
      return;
    }
    if (kind === "nul") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end("before\u0000after");
    }
    send(404, { error: "unknown path" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (path) => counts.get(path) ?? 0,
    holdLog,
    requests,
    effects,
    release: (name) => {
      released.add(name);
      holdLog.push(`release:${name}`);
      for (const answer of held.get(name) ?? []) answer();
      held.delete(name);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

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
 */
export type CountingServer = {
  url: string;
  hits: (path: string) => number;
  /** Lets the held requests to /hold/<name> answer. */
  release: (name: string) => void;
  /** "arrive:<name>" and "release:<name>" in the order they happened. */
  holdLog: string[];
  close: () => Promise<void>;
};

export async function startCountingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const holdLog: string[] = [];
  const held = new Map<string, Array<() => void>>();
  const released = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const hits = (counts.get(url.pathname) ?? 0) + 1;
    counts.set(url.pathname, hits);
    const [, kind, arg] = url.pathname.split("/");
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (kind === "ok") return send(200, { name: arg, hits });
    if (kind === "flaky") {
      const fail = Number(url.searchParams.get("fail") ?? "2");
      return hits <= fail ? send(500, { error: "try again", hits }) : send(200, { name: arg, hits });
    }
    if (kind === "status") return send(Number(arg), { status: Number(arg) });
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
    release: (name) => {
      released.add(name);
      holdLog.push(`release:${name}`);
      for (const answer of held.get(name) ?? []) answer();
      held.delete(name);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

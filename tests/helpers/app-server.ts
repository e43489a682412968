import { readdirSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/**
 * Serves the app's real route handlers (every src/app/api/**\/route.ts) over
 * real HTTP on a random port, so the local engine calls /api/inngest exactly as
 * it calls `next dev`. Next's router is replaced by a small matcher over the same
 * folder structure (`[param]` segments), which is all route handlers need.
 */

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;
type RouteEntry = { pattern: RegExp; keys: string[]; isCatchAll: boolean; load: () => Promise<RouteModule> };

const API_DIR = path.resolve(import.meta.dirname, "../../src/app/api");

function discoverRoutes(): RouteEntry[] {
  const files = readdirSync(API_DIR, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith("route.ts"));
  return (
    files
      .map((file) => {
        const segments = path
          .dirname(file)
          .split(path.sep)
          .filter((s) => s !== ".");
        const keys: string[] = [];
        const source = segments
          .map((segment) => {
            const catchAll = /^\[\.\.\.(\w+)\]$/.exec(segment);
            if (catchAll?.[1]) {
              keys.push(catchAll[1]);
              return "(.+)";
            }
            const param = /^\[(\w+)\]$/.exec(segment);
            if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
            keys.push(param[1]);
            return "([^/]+)";
          })
          .join("/");
        const full = path.join(API_DIR, file);
        return {
          pattern: new RegExp(`^/api/${source}/?$`),
          keys,
          isCatchAll: source.includes("(.+)"),
          load: () => import(full) as Promise<RouteModule>,
        };
      })
      // Like Next: fewer dynamic segments first, a catch-all only when nothing else matches.
      .sort((a, b) => Number(a.isCatchAll) - Number(b.isCatchAll) || a.keys.length - b.keys.length)
  );
}

export type AppServer = { url: string; close: () => Promise<void> };

export async function startAppServer(): Promise<AppServer> {
  const routes = discoverRoutes();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      // Like the proxy in front of Next: a path Next could not decode never reaches a route.
      // Loaded per request, not at start: app modules read env once, and callers finish setting it
      // (APP_URL) only after the server listens.
      const { undecodablePathResponse } = await import("@/server/http/undecodable-path");
      const undecodable = undecodablePathResponse(url.pathname);
      if (undecodable) {
        res.writeHead(undecodable.status, Object.fromEntries(undecodable.headers.entries()));
        res.end(await undecodable.text());
        return;
      }
      const match = routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find((x) => x.m);
      const method = (req.method ?? "GET") as keyof RouteModule;
      const handler = match ? (await match.r.load())[method] : undefined;
      if (!match?.m || !handler) {
        res.writeHead(match ? 405 : 404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { code: match ? "method_not_allowed" : "not_found", message: "no route" },
          }),
        );
        return;
      }
      const params = Object.fromEntries(
        match.r.keys.map((key, i) => [key, decodeURIComponent(match.m?.[i + 1] ?? "")]),
      );
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(key, value);
        else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
      }
      const hasBody = method !== "GET" && chunks.length > 0;
      // Like Next: request.signal aborts when the client goes away (a stream must notice).
      const aborted = new AbortController();
      res.on("close", () => aborted.abort());
      const request = new Request(url, {
        method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
        signal: aborted.signal,
      });
      const response = await handler(request, { params: Promise.resolve(params) });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      if (response.body) {
        const reader = response.body.getReader();
        // `res`, not `req`: a GET's request side has already closed once its (empty) body was read.
        res.on("close", () => void reader.cancel().catch(() => {}));
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          res.write(value);
        }
      }
      res.end();
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "test_server", message: String(error) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

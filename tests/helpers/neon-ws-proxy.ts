import net from "node:net";
import { type RawData, type WebSocket, WebSocketServer } from "ws";

/**
 * A minimal stand-in for Neon's WebSocket→TCP proxy, so @neondatabase/serverless
 * can talk to the local PostgreSQL. With `neonConfig.wsProxy` set, the driver opens
 * `ws://<wsProxy(host, port)>` and then speaks the plain Postgres wire protocol over
 * binary frames; this proxy pipes those bytes to a TCP socket and back.
 */
export type NeonWsProxy = {
  /** For `neonConfig.wsProxy`: the driver adds the `ws://` (or `wss://`) itself. */
  wsProxy: (host: string, port: number | string) => string;
  /** WebSocket connections accepted so far: proves traffic really went through the proxy. */
  connectionCount: () => number;
  close: () => Promise<void>;
};

type Target = { host: string; port: number };

/** `address=host:port`, as the driver's string form of wsProxy sends it (split on the last colon for IPv6). */
function targetFromUrl(requestUrl: string | undefined): Target | null {
  const address = new URL(requestUrl ?? "/", "http://proxy").searchParams.get("address");
  const colon = address?.lastIndexOf(":") ?? -1;
  if (!address || colon <= 0) return null;
  const port = Number(address.slice(colon + 1));
  return Number.isInteger(port) && port > 0 ? { host: address.slice(0, colon), port } : null;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Starts the proxy on 127.0.0.1 (random port); `target` overrides the address the driver asks for. */
export async function startNeonWsProxy(options: { target?: Target } = {}): Promise<NeonWsProxy> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("expected a TCP address");
  const sockets = new Set<net.Socket>();
  let accepted = 0;

  server.on("connection", (ws: WebSocket, request) => {
    accepted += 1;
    const target = options.target ?? targetFromUrl(request.url);
    if (!target) {
      ws.close(1008, "missing or invalid address");
      return;
    }
    const socket = net.connect(target.port, target.host);
    sockets.add(socket);
    // Writes made before the TCP connect completes are buffered by the socket.
    ws.on("message", (data) => socket.write(toBuffer(data)));
    socket.on("data", (chunk) => ws.send(chunk));
    // Either side going away ends the other, so neither the driver nor Postgres waits for a timeout.
    ws.on("close", () => socket.end());
    ws.on("error", () => socket.destroy());
    socket.on("close", () => {
      sockets.delete(socket);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close();
    });
    socket.on("error", () => ws.terminate());
  });

  return {
    wsProxy: (host, port) => `127.0.0.1:${address.port}/v2?address=${host}:${port}`,
    connectionCount: () => accepted,
    close: async () => {
      // ws 8 leaves open clients alone on server.close(), so end them first.
      for (const client of server.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

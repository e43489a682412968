import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { grants, type RealtimeGrant, verifyToken } from "./realtime-token";

/**
 * Realtime fan-out: `GET /v1/realtime/connect?token=…` upgrades to a
 * WebSocket; published messages go to every socket whose token grants the
 * channel and topic. Messages use the shape the SDK's TokenSubscription
 * parses: `{ kind, channel, topic, data, run_id, fn_id, created_at }`.
 */

export type RealtimeMessage = {
  kind: "data" | "datastream-start" | "datastream-end" | "chunk";
  channel: string;
  topic: string;
  data: unknown;
  run_id?: string;
  fn_id?: string;
  stream_id?: string;
  created_at: string;
};

type Subscriber = { socket: WebSocket; grants: RealtimeGrant[] };

const PING_INTERVAL_MS = 30_000;

export class RealtimeHub {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #subscribers = new Set<Subscriber>();
  readonly #ping: NodeJS.Timeout;

  constructor(
    private readonly secret: string,
    private readonly now: () => number,
  ) {
    // Keep idle sockets alive through proxies; a real timer, not run work.
    this.#ping = setInterval(() => {
      for (const { socket } of this.#subscribers) socket.ping();
    }, PING_INTERVAL_MS);
    this.#ping.unref();
  }

  /** Handle an HTTP upgrade; returns false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/v1/realtime/connect") return false;
    const allowed = verifyToken(url.searchParams.get("token") ?? "", this.secret, this.now());
    if (!allowed) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const subscriber = { socket: ws, grants: allowed };
      this.#subscribers.add(subscriber);
      ws.on("close", () => this.#subscribers.delete(subscriber));
      ws.on("error", () => this.#subscribers.delete(subscriber));
    });
    return true;
  }

  publish(message: Omit<RealtimeMessage, "created_at">): number {
    const text = JSON.stringify({ ...message, created_at: new Date(this.now()).toISOString() });
    let delivered = 0;
    for (const { socket, grants: allowed } of this.#subscribers) {
      if (socket.readyState !== socket.OPEN || !grants(allowed, message.channel, message.topic)) continue;
      socket.send(text);
      delivered++;
    }
    return delivered;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  close(): Promise<void> {
    clearInterval(this.#ping);
    for (const { socket } of this.#subscribers) socket.terminate();
    this.#subscribers.clear();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }
}

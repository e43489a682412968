import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";

/**
 * Upstash's REST protocol over the machine's real Redis, so the real
 * `@upstash/redis` and `@upstash/ratelimit` clients run in tests unchanged:
 *   POST /              a JSON command array → { result } or 400 { error }
 *   POST /pipeline      an array of commands → [{ result } | { error }, …]
 *   POST /multi-exec    the same, in one MULTI/EXEC
 * `Authorization: Bearer <token>` is required; with `Upstash-Encoding: base64`
 * string results are base64-encoded except "OK", as Upstash does.
 *
 * Two differences from stock Redis are bridged: @upstash/ratelimit's scripts start
 * with `#!lua flags=allow-key-locking`, which Redis 7 rejects, so the line is
 * stripped, and EVALSHA of the original script's hash is mapped to the stripped
 * script's hash so the client's EVALSHA-first path still hits the script cache.
 *
 * `setMode("down")` answers 503 and `setMode("hang")` never answers, for outage tests.
 */
export type UpstashRestShim = {
  url: string;
  token: string;
  setMode: (mode: "ok" | "down" | "hang") => void;
  /** Commands received, by name (upper case), for asserting what the client did. */
  commands: string[];
  /** HTTP requests received, answered or not. */
  requestCount: () => number;
  close: () => Promise<void>;
};

const REDIS_URL = "redis://127.0.0.1:6379";
const SHEBANG = /^#!lua[^\n]*\n/;

export async function startUpstashRestShim(): Promise<UpstashRestShim> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const token = randomBytes(16).toString("hex");
  const strippedShaOf = new Map<string, string>();
  const commands: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  let mode: "ok" | "down" | "hang" = "ok";
  let requests = 0;

  const toRedisArgs = (command: unknown[]): string[] => {
    const args = command.map((part) => (typeof part === "string" ? part : JSON.stringify(part)));
    const name = (args[0] ?? "").toUpperCase();
    if (name === "EVAL" && args[1] && SHEBANG.test(args[1])) {
      const original = args[1];
      const stripped = original.replace(SHEBANG, "");
      strippedShaOf.set(sha1(original), sha1(stripped));
      args[1] = stripped;
    }
    if (name === "EVALSHA" && args[1]) args[1] = strippedShaOf.get(args[1]) ?? args[1];
    return args;
  };

  const run = async (command: unknown[]): Promise<{ result: unknown } | { error: string }> => {
    commands.push(String(command[0] ?? "").toUpperCase());
    try {
      return { result: await redis.sendCommand(toRedisArgs(command)) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  const server = http.createServer(async (request, response) => {
    requests += 1;
    if (mode === "hang") {
      hanging.add(response);
      return;
    }
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (mode === "down") return reply(503, { error: "service unavailable" });
    if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return reply(400, { error: "ERR failed to parse command" });
    }
    const base64 = request.headers["upstash-encoding"] === "base64";
    const encode = (answer: { result: unknown } | { error: string }) =>
      "result" in answer && base64 ? { result: encodeResult(answer.result) } : answer;
    const path = new URL(request.url ?? "/", "http://shim").pathname;

    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || !body.every(Array.isArray))
        return reply(400, { error: "ERR bad pipeline" });
      if (path === "/pipeline") {
        const answers = [];
        for (const command of body as unknown[][]) answers.push(encode(await run(command)));
        return reply(200, answers);
      }
      const transaction = redis.multi();
      for (const command of body as unknown[][]) transaction.addCommand(toRedisArgs(command));
      try {
        const results = (await transaction.exec()) as unknown[];
        return reply(
          200,
          results.map((result) => encode({ result })),
        );
      } catch (error) {
        return reply(400, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (!Array.isArray(body)) return reply(400, { error: "ERR command must be an array" });
    const answer = await run(body);
    return reply("error" in answer ? 400 : 200, encode(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    commands,
    requestCount: () => requests,
    setMode: (next) => {
      mode = next;
      if (next !== "hang") {
        for (const response of hanging) response.destroy();
        hanging.clear();
      }
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit();
    },
  };
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Upstash's base64 response encoding: every string except "OK", recursively. */
function encodeResult(result: unknown): unknown {
  if (typeof result === "string") return result === "OK" ? result : Buffer.from(result).toString("base64");
  if (Array.isArray(result)) return result.map(encodeResult);
  return result;
}

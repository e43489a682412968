import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for an OpenAI-compatible model provider, for apps under test that run as their
 * own processes (msw in the test process cannot reach them). `POST /v1/chat/completions` answers what
 * `reply` decides, in the Chat Completions wire format: with `stream: true`, server-sent
 * `chat.completion.chunk`s (the role, the text in pieces, each tool call's id and name and then its
 * arguments in pieces, the finish reason, a usage chunk with no choices, `[DONE]`); without it, one
 * `chat.completion` JSON. `reply` may take its time (a held answer): if the caller is gone by then,
 * nothing is written. Every request is logged with its Idempotency-Key and Authorization headers.
 */

export type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string };
export type ChatBody = {
  model: string;
  stream?: boolean;
  messages: ChatMessage[];
  tools?: Array<{ function: { name: string } }>;
};

export type ModelRequest = {
  body: ChatBody;
  idempotencyKey: string | null;
  authorization: string | null;
  arrivedAt: number;
  /** When the answer was written in full; null while held, or when the caller went away first. */
  answeredAt: number | null;
};

export type ModelToolCall = { id: string; name: string; args: unknown };
/** What the model says: text, tool calls, or both; or an error status the provider answers with. */
export type ModelAnswer =
  | { text?: string; toolCalls?: ModelToolCall[]; usage?: { prompt: number; completion: number } }
  | { status: number; error: string };

export type ModelServer = {
  /** The value for OPENAI_BASE_URL (ends in /v1). */
  baseUrl: string;
  /** Every chat-completions request in arrival order. */
  requests: ModelRequest[];
  close: () => Promise<void>;
};

const CREATED = 1_700_000_000;
const TEXT_PIECE = 16;

export async function startModelServer(
  reply: (request: ModelRequest) => ModelAnswer | Promise<ModelAnswer>,
): Promise<ModelServer> {
  const requests: ModelRequest[] = [];
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const sendJson = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return sendJson(404, {
        error: { message: `no route ${req.method} ${url.pathname}`, type: "invalid_request_error" },
      });
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      let body: ChatBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatBody;
      } catch {
        return sendJson(400, { error: { message: "body is not JSON", type: "invalid_request_error" } });
      }
      const header = (name: string) => {
        const value = req.headers[name];
        return typeof value === "string" ? value : null;
      };
      const request: ModelRequest = {
        body,
        idempotencyKey: header("idempotency-key"),
        authorization: header("authorization"),
        arrivedAt: Date.now(),
        answeredAt: null,
      };
      requests.push(request);
      let answer: ModelAnswer;
      try {
        answer = await reply(request);
      } catch (error) {
        answer = { status: 500, error: error instanceof Error ? error.message : String(error) };
      }
      // The caller may have died while the answer was held (a killed app): nobody to answer.
      if (res.destroyed || res.writableEnded) return;
      res.once("finish", () => {
        request.answeredAt = Date.now();
      });
      if ("status" in answer) {
        return sendJson(answer.status, { error: { message: answer.error, type: "server_error" } });
      }
      const id = `chatcmpl-${nextId++}`;
      if (body.stream) return stream(res, id, body.model, answer);
      sendJson(200, completion(id, body.model, answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Said = Exclude<ModelAnswer, { status: number }>;

const finishReason = (answer: Said) => ((answer.toolCalls?.length ?? 0) > 0 ? "tool_calls" : "stop");

function usageOf(answer: Said) {
  const { prompt, completion } = answer.usage ?? { prompt: 100, completion: 20 };
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const argumentsText = (args: unknown) => (typeof args === "string" ? args : JSON.stringify(args));

function completion(id: string, model: string, answer: Said) {
  const calls = answer.toolCalls ?? [];
  return {
    id,
    object: "chat.completion",
    created: CREATED,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: answer.text ?? null,
          ...(calls.length > 0 && {
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: argumentsText(call.args) },
            })),
          }),
        },
        finish_reason: finishReason(answer),
      },
    ],
    usage: usageOf(answer),
  };
}

function stream(res: http.ServerResponse, id: string, model: string, answer: Said): void {
  const chunk = (delta: unknown, finish: string | null = null) => ({
    id,
    object: "chat.completion.chunk",
    created: CREATED,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const events: unknown[] = [chunk({ role: "assistant", content: "" })];
  const text = answer.text ?? "";
  for (let at = 0; at < text.length; at += TEXT_PIECE)
    events.push(chunk({ content: text.slice(at, at + TEXT_PIECE) }));
  (answer.toolCalls ?? []).forEach((call, index) => {
    // As OpenAI streams a call: id and name with empty arguments first, then the arguments in two pieces.
    const args = argumentsText(call.args);
    const half = Math.ceil(args.length / 2);
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of [args.slice(0, half), args.slice(half)]) {
      if (piece !== "") events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, finishReason(answer)));
  events.push({ ...chunk({}), choices: [], usage: usageOf(answer) });
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const event of events) res.write(`data: ${JSON.stringify(event)}\n\n`);
  res.end("data: [DONE]\n\n");
}

/** The tool results a request sends the model, by call id (content as text). */
export function toolResults(body: ChatBody): Record<string, string> {
  return Object.fromEntries(
    body.messages
      .filter((m) => m.role === "tool")
      .map((m) => [
        m.tool_call_id ?? "",
        typeof m.content === "string" ? m.content : JSON.stringify(m.content),
      ]),
  );
}

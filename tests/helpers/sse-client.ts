/**
 * A minimal server-sent events reader for tests and the benchmark: parses
 * frames as they arrive (`id`, `event`, `data`, `retry`; comments ignored), so
 * a test can wait for a frame while the stream is still open.
 */

export type SseFrame = { id?: string; event: string; data: string; retry?: number };

/** Incremental parser: feed it text chunks, it calls `onFrame` per complete frame. */
export function createSseParser(onFrame: (frame: SseFrame) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: SseFrame = { event: "message", data: "" };
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") frame.id = value;
        else if (field === "event") frame.event = value;
        else if (field === "data") data.push(value);
        else if (field === "retry") frame.retry = Number(value);
      }
      frame.data = data.join("\n");
      if (data.length > 0 || frame.id !== undefined || frame.retry !== undefined) onFrame(frame);
    }
  };
}

export type SseConnection = {
  status: number;
  headers: Headers;
  frames: SseFrame[];
  /** Resolves when the server ends the stream (or the client closes it). */
  ended: Promise<void>;
  /** Event frames only (no heartbeat, end or retry). */
  events(): Array<SseFrame & { id: string }>;
  /** Waits (bounded) until `check` holds for the frames received so far. */
  until(check: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
  /** The error body when the answer was not a stream. */
  text?: string;
};

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const frames: SseFrame[] = [];
  let isEnded = false;
  const isStream =
    response.ok && (response.headers.get("content-type") ?? "").startsWith("text/event-stream");
  const text = isStream ? undefined : await response.text();
  const ended = (async () => {
    if (!isStream || !response.body) return;
    const parse = createSseParser((frame) => frames.push(frame));
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        parse(decoder.decode(read.value, { stream: true }));
      }
    } catch {
      // Aborted by close().
    } finally {
      isEnded = true;
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    frames,
    ended,
    text,
    events: () => frames.filter((f): f is SseFrame & { id: string } => f.id !== undefined),
    async until(check, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check(frames)) {
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for SSE frames; got ${JSON.stringify(frames.slice(-5))}`);
        }
        if (isEnded && !check(frames))
          throw new Error(`stream ended; got ${JSON.stringify(frames.slice(-5))}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    close: () => controller.abort(),
  };
}

/** Messages between bench/bare-sdk-app.ts and the benchmark that started it (IPC). */

export type BareRequest = { kind: "memory" };

export type BareMessage =
  | { kind: "ready"; url: string }
  /** A run finished: its event's `data.id` and when (epoch ms) the function returned. */
  | { kind: "done"; id: string; at: number }
  | { kind: "memory"; rss: number; heapUsed: number };

/** Messages between bench/sse-fanout.ts (clients) and bench/sse-fanout-server.ts over IPC. */

export const POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export type BenchRequest =
  | { kind: "memory" }
  | { kind: "queries" }
  /** Stops early at `deadlineMs` (a saturated database can make each write slow). */
  | { kind: "publish"; count: number; intervalMs: number; deadlineMs: number };

/** What the parent removes once the server process has exited. */
export type BenchDatabase = { driver: "postgres"; name: string } | { driver: "pglite"; dir: string };

export type BenchReply =
  | { kind: "ready"; appUrl: string; naiveUrl: string; runId: string; seq: number; driver: string }
  | {
      kind: "memory";
      rss: number;
      heap: number;
      feeds: Array<{ runId: string; mode: string; listeners: number }>;
    }
  | { kind: "queries"; reads: number; writes: number }
  | { kind: "published"; publishedAt: Array<[number, number]> }
  | { kind: "created"; database: BenchDatabase }
  | { kind: "error"; message: string };

import { once } from "node:events";
import type { Socket } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isNodeExecutionError } from "@/engine";
import { assertHostAllowed, guardedSocket } from "@/server/sql/database-egress";
import { redact, redactParams, toSqlNodeError } from "@/server/sql/sql-errors";

/** A resolver for names that exist only in this test (no internet here). */
const fakeDns = (records: Record<string, string>) => async (hostname: string) => {
  const address = records[hostname];
  if (address === undefined) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return [{ address, family: address.includes(":") ? 6 : 4 }];
};

async function connectError(socket: Socket, host: string) {
  socket.connect(5432, host);
  const [error] = await once(socket, "error");
  socket.destroy();
  return error as unknown;
}

// Which addresses the sql node refuses is the egress table's test (egress-addresses.test.ts); these
// check that the node goes through it, for literal hosts, names and Unix sockets.
describe("sql node egress in production", () => {
  it("refuses Unix sockets and literal special-purpose hosts before connecting", () => {
    expect(() => assertHostAllowed("/var/run/postgresql")).toThrow(/Unix socket/);
    expect(() => assertHostAllowed("[::1]")).toThrow(/::1 is in ::1\/128, Loopback Address/);
    expect(() => assertHostAllowed("127.0.0.1")).toThrow(/SQL_NODE_ALLOW_LOCAL_ADDRESSES/);
    expect(() => assertHostAllowed("::127.0.0.1")).toThrow(/IPv4-compatible/);
    expect(() => assertHostAllowed("198.51.100.7")).toThrow(
      /^config\.credential: the database host is refused: 198\.51\.100\.7 is in 198\.51\.100\.0\/24, TEST-NET-2 \(documentation\)/,
    );
    expect(() => assertHostAllowed("10.1.2.3")).not.toThrow();
    expect(() => assertHostAllowed("db.internal.example")).not.toThrow();
  });

  it("refuses, when the socket connects, a name that resolves to a refused address", async () => {
    const stream = guardedSocket(
      fakeDns({ "db.test": "203.0.113.9", "meta.test": "::ffff:169.254.169.254", "self.test": "::1" }),
    );
    for (const [host, pattern] of [
      ["db.test", /db\.test resolves to 203\.0\.113\.9, which is in 203\.0\.113\.0\/24, TEST-NET-3/],
      ["meta.test", /embeds 169\.254\.169\.254 .*Link-Local/],
      ["self.test", /Loopback/],
      ["198.18.0.1", /Benchmarking/],
    ] as const) {
      const error = await connectError(stream(), host);
      expect(isNodeExecutionError(error)).toBe(true);
      expect(error).toMatchObject({
        code: "egress_blocked",
        retriable: false,
        message: expect.stringMatching(pattern),
      });
    }
  });

  it("refuses a Unix socket path at the socket as well", async () => {
    const socket = guardedSocket()();
    socket.connect("/var/run/postgresql/.s.PGSQL.5432" as unknown as number);
    const [error] = await once(socket, "error");
    expect(error).toMatchObject({ code: "egress_blocked", message: expect.stringMatching(/Unix socket/) });
  });

  it("surfaces the refusal through pg as the node's own error, without the URL", async () => {
    const url = "postgres://app:s3cret-pass@db.test:5432/postgres";
    const client = new pg.Client({
      connectionString: url,
      stream: guardedSocket(fakeDns({ "db.test": "192.0.2.10" })),
      connectionTimeoutMillis: 2000,
    });
    client.on("error", () => undefined);
    const thrown = await client.connect().then(
      () => null,
      (error: unknown) => error,
    );
    await client.end().catch(() => undefined);
    const mapped = toSqlNodeError(thrown, { secret: url, params: [], timeoutMs: 1000, mode: "read" });
    expect(mapped).toMatchObject({ code: "egress_blocked", retriable: false });
    expect(mapped.message).toMatch(/TEST-NET-1/);
    expect(mapped.message).not.toContain("s3cret");
  });
});

describe("sql error mapping", () => {
  const context = {
    secret: "postgres://u:hunter2-long@db.example:5432/app",
    params: ["tok_live_9f8e7d6c", 250, true, "ab"],
    timeoutMs: 250,
    mode: "read" as const,
  };
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    ["57014", "canceling statement due to statement timeout", "timeout"],
    ["40001", "could not serialize access", "sql_unavailable"],
    ["40P01", "deadlock detected", "sql_unavailable"],
    ["53300", "too many connections", "sql_unavailable"],
    ["57P01", "terminating connection due to administrator command", "sql_unavailable"],
  ])("retries SQLSTATE %s", (code, message, expected) => {
    expect(toSqlNodeError(pgError(code, message), context)).toMatchObject({
      code: expected,
      retriable: true,
    });
  });

  it.each([
    ["42P01", 'relation "nope" does not exist', "sql_error"],
    ["23505", "duplicate key value violates unique constraint", "sql_error"],
    ["28P01", "password authentication failed for user", "sql_credential"],
    ["3D000", 'database "x" does not exist', "sql_credential"],
    ["25006", "cannot execute INSERT in a read-only transaction", "sql_read_only"],
  ])("does not retry SQLSTATE %s", (code, message, expected) => {
    expect(toSqlNodeError(pgError(code, message), context)).toMatchObject({
      code: expected,
      retriable: false,
    });
  });

  it("names timeoutMs for a timeout and allowWrites for a read that tried to write", () => {
    expect(toSqlNodeError(pgError("57014", "canceling"), context).message).toMatch(
      /250 ms \(config\.timeoutMs\)/,
    );
    expect(toSqlNodeError(pgError("25006", "cannot execute nextval()"), context).message).toMatch(
      /set allowWrites: true and dryRun: false/,
    );
  });

  it("retries network failures", () => {
    expect(
      toSqlNodeError(pgError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:5432"), context),
    ).toMatchObject({
      code: "sql_connection",
      retriable: true,
    });
    expect(toSqlNodeError(new Error("Connection terminated unexpectedly"), context).retriable).toBe(true);
  });

  it("scrubs the URL and its password from messages", () => {
    const leaked = `could not connect with ${context.secret} (password hunter2-long)`;
    const mapped = toSqlNodeError(new Error(leaked), context);
    expect(mapped.message).not.toContain("hunter2-long");
    expect(mapped.message).not.toContain(context.secret);
    expect(redact("pw=p%40ss!", "postgres://u:p%40ss!@h/db")).toBe("pw=***");
  });

  it("scrubs param values from what the server says, and leaves the node's own words alone", () => {
    const invalid = Object.assign(
      pgError("22P02", 'invalid input syntax for type integer: "tok_live_9f8e7d6c"'),
      {
        detail: "Key (token)=(tok_live_9f8e7d6c) already exists.",
      },
    );
    const mapped = toSqlNodeError(invalid, context);
    expect(mapped.message).not.toContain("tok_live_9f8e7d6c");
    expect(mapped.message).toMatch(/integer: "\[param\]".*Key \(token\)=\(\[param\]\)/);
    // 250 is a param too, but the timeout message is the node's own.
    expect(toSqlNodeError(pgError("57014", "canceling"), context).message).toMatch(/250 ms/);
    expect(redactParams("a tok_live_9f8e7d6c b", [["x", "tok_live_9f8e7d6c"]])).toBe("a [param] b");
  });
});

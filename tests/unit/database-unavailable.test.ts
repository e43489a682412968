import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/db/database-unavailable";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** What drizzle 0.45 throws: the SQL in the message, the driver's error as `cause`. */
function drizzleWrapped(cause: unknown): Error {
  return new Error('Failed query: insert into "runs" …\nparams: …', { cause });
}

describe("isDatabaseUnavailable: connection-level failures", () => {
  it.each([
    ["ECONNREFUSED", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["ECONNRESET", withCode("read ECONNRESET", "ECONNRESET")],
    ["ETIMEDOUT", withCode("connect ETIMEDOUT", "ETIMEDOUT")],
    ["EPIPE", withCode("write EPIPE", "EPIPE")],
    ["SQLSTATE 08006 (connection failure)", withCode("connection failure", "08006")],
    ["SQLSTATE 08001", withCode("could not connect", "08001")],
    [
      "SQLSTATE 57P01 (admin shutdown)",
      withCode("terminating connection due to administrator command", "57P01"),
    ],
    ["SQLSTATE 57P02 (crash shutdown)", withCode("terminating connection because of crash", "57P02")],
    ["SQLSTATE 57P03 (starting up)", withCode("the database system is starting up", "57P03")],
    ["SQLSTATE 53300 (too many connections)", withCode("sorry, too many clients already", "53300")],
    ["pg: connection lost", new Error("Connection terminated unexpectedly")],
    ["pg: client connect timeout", new Error("Connection terminated due to connection timeout")],
    ["pg-pool: connect timeout", new Error("timeout exceeded when trying to connect")],
    ["pg: no answer within query_timeout", new Error("Query read timeout")],
    ["pg: broken client", new Error("Client has encountered a connection error and is not queryable")],
    ["pg: pool ended at shutdown", new Error("Cannot use a pool after calling end on the pool")],
    ["neon: socket closed early", new Error("WebSocket was closed before the connection was established")],
    ["neon: proxy down", new Error("Unexpected server response: 502")],
    ["PGlite closed at shutdown", new Error("PGlite is closed")],
  ])("%s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("looks through drizzle's wrapper to the driver's error", () => {
    expect(isDatabaseUnavailable(drizzleWrapped(withCode("terminating connection", "57P01")))).toBe(true);
    expect(isDatabaseUnavailable(drizzleWrapped(new Error("Connection terminated unexpectedly")))).toBe(true);
  });

  it("looks through nested causes and AggregateErrors (IPv4 + IPv6 connect attempts)", () => {
    const both = new AggregateError([
      withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED"),
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
    ]);
    expect(isDatabaseUnavailable(drizzleWrapped(new Error("pool", { cause: both })))).toBe(true);
  });

  it("reads a WebSocket ErrorEvent's inner error (Neon)", () => {
    const event = { type: "error", error: withCode("connect ECONNREFUSED", "ECONNREFUSED"), message: "" };
    expect(isDatabaseUnavailable(event)).toBe(true);
  });
});

describe("isDatabaseUnavailable: everything else is not an outage", () => {
  it.each([
    ["unique violation", drizzleWrapped(withCode("duplicate key", "23505"))],
    ["syntax error", drizzleWrapped(withCode("syntax error at or near", "42601"))],
    ["serialization failure", withCode("could not serialize access", "40001")],
    ["statement timeout", withCode("canceling statement due to statement timeout", "57014")],
    ["a plain bug", new TypeError("Cannot read properties of undefined")],
    ["a string", "ECONNREFUSED"],
    ["null", null],
    ["undefined", undefined],
  ])("%s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("does not loop on a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });

  it("ignores a message that merely mentions a network code", () => {
    expect(isDatabaseUnavailable(new Error("user input said ECONNREFUSED"))).toBe(false);
  });
});

import { DrizzleQueryError } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

/**
 * The logger's request context and error serializer, on the real pino logger with its lines
 * captured: ids come from the context without any call passing them, and a database error never
 * brings its statement's parameters into a line.
 */

type Line = Record<string, unknown>;
const lines: Line[] = [];
let modules: {
  logger: typeof import("@/lib/logger").logger;
  withRequestContext: typeof import("@/lib/request-context").withRequestContext;
  AppError: typeof import("@/lib/errors").AppError;
  routeOf: typeof import("@/server/http/access-log").routeOf;
};
let stopCapture: () => void;

beforeAll(async () => {
  process.env.LOG_LEVEL = "debug";
  const { logger, captureLogLines } = await import("@/lib/logger");
  stopCapture = captureLogLines((line) => lines.push(JSON.parse(line) as Line));
  modules = {
    logger,
    withRequestContext: (await import("@/lib/request-context")).withRequestContext,
    AppError: (await import("@/lib/errors")).AppError,
    routeOf: (await import("@/server/http/access-log")).routeOf,
  };
});
afterAll(() => stopCapture?.());
beforeEach(() => {
  lines.length = 0;
});

describe("the request context on log lines", () => {
  it("puts the request id on lines logged inside a request, across awaits, and nothing outside", async () => {
    const { logger, withRequestContext } = modules;
    logger.info("before");
    await withRequestContext({ requestId: "req_a" }, async () => {
      logger.info("first");
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.child({ component: "inngest" }).warn({ extra: 1 }, "second");
    });
    logger.info("after");
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ["before", undefined],
      ["first", "req_a"],
      ["second", "req_a"],
      ["after", undefined],
    ]);
    expect(lines[2]).toMatchObject({ component: "inngest", extra: 1 });
  });

  it("keeps concurrent requests apart", async () => {
    const { logger, withRequestContext } = modules;
    const serve = (requestId: string, delayMs: number) =>
      withRequestContext({ requestId }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info(requestId);
      });
    await Promise.all([serve("req_slow", 20), serve("req_fast", 1)]);
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ["req_fast", "req_fast"],
      ["req_slow", "req_slow"],
    ]);
  });

  it("nests run and node ids; an inner field replaces an outer one, and a call's own field wins", () => {
    const { logger, withRequestContext } = modules;
    withRequestContext({ requestId: "req_inngest_call" }, () =>
      withRequestContext({ runId: "run_1", requestId: "req_start", attempt: 2 }, () => {
        withRequestContext({ nodeId: "ask" }, () => logger.info("node"));
        logger.info({ runId: "run_other" }, "explicit");
      }),
    );
    expect(lines[0]).toMatchObject({ requestId: "req_start", runId: "run_1", nodeId: "ask", attempt: 2 });
    expect(lines[1]).toMatchObject({ runId: "run_other", requestId: "req_start" });
    expect(lines[1]).not.toHaveProperty("nodeId");
  });
});

describe("errors in log lines", () => {
  const SECRET = "hunter2-in-a-param";
  /** A drizzle error as a failed insert raises it: the statement and its parameters in the message. */
  const failedQuery = () =>
    new DrizzleQueryError(
      'insert into "runs" ("id", "input") values ($1, $2)',
      ["run_1", `{"nested":{"password":"${SECRET}\nsecond line"}}`],
      Object.assign(new Error("invalid input syntax for type json"), {
        code: "22P02",
        detail: `Token "${SECRET}" is invalid.`,
        where: `JSON data, line 1: {"nested":{"password":"${SECRET}`,
      }),
    );

  it.each([
    ["the error itself", () => failedQuery()],
    [
      "its cause",
      () => new modules.AppError("internal", "could not start", undefined, { cause: failedQuery() }),
    ],
    [
      "a cause two levels down",
      () => new Error("outer", { cause: new Error("middle", { cause: failedQuery() }) }),
    ],
    ["inside an AggregateError", () => new AggregateError([failedQuery()], "several")],
  ])("drops the statement's parameters and the driver's detail when the query error is %s", (_, make) => {
    modules.logger.error({ err: make() }, "it failed");
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("second line");
    expect(text).not.toContain("params:");
    // What is left still says what happened.
    expect(text).toContain("Failed query (statement and parameters not logged)");
    expect(text).toContain("invalid input syntax for type json");
    expect(text).toContain('"sqlState":"22P02"');
  });

  it("keeps an ordinary error's message, stack and fields", () => {
    modules.logger.error({ err: Object.assign(new Error("boom"), { code: "E_BOOM" }) }, "it failed");
    expect(lines[0]?.err).toMatchObject({ type: "Error", message: "boom", code: "E_BOOM" });
    expect(String((lines[0]?.err as { stack?: string } | undefined)?.stack)).toMatch(/^Error: boom\n\s+at /);
  });
});

describe("the route in an access line", () => {
  const route = (path: string, params?: Record<string, string | string[]>) =>
    modules.routeOf(new Request(`http://localhost${path}?token=secret`), params);

  it("is the pattern, never the query", () => {
    expect(route("/api/health")).toBe("/api/health");
    expect(route("/api/runs/run_1/approvals/ask", { runId: "run_1", nodeId: "ask" })).toBe(
      "/api/runs/[runId]/approvals/[nodeId]",
    );
    expect(route("/api/approvals/tok.sig", { token: "tok.sig" })).toBe("/api/approvals/[token]");
    // Params are decoded; the path is not.
    expect(route("/api/workflows/a%20b/versions/a%20b", { workflowId: "a b", version: "a b" })).toBe(
      "/api/workflows/[workflowId]/versions/[version]",
    );
    expect(route("/api/no/such/route", { path: ["no", "such", "route"] })).toBe("/api/[...path]");
  });
});

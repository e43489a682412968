import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * A `db.query` span around every statement the app's own database client sends (not the sql
 * node's: that is the user's database). The drizzle logger in query-observer.ts cannot do this:
 * it is told about a query before it runs and never when it ends or fails. So the spans wrap the
 * drivers' `query` instead: PGlite's (and its transactions'), and node-postgres/Neon pool clients'.
 *
 * A span says which operation on which table — never the SQL text (raw SQL can hold literals) nor
 * its parameters — and is only started inside a traced unit of work (a request, a node), so
 * background polling does not fill a trace store with orphan spans. Without a registered
 * provider every span is the API's no-op one.
 */

type QueryFn = (...args: unknown[]) => unknown;
type Queryable = { query: QueryFn };

/** The operation and table of a statement, read from its first words; identifiers only. */
export function describeSql(text: string): { operation: string; collection?: string } {
  const statement = text.replace(/^(\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "");
  const operation = (/^[A-Za-z]+/.exec(statement)?.[0] ?? "unknown").toUpperCase();
  const target =
    operation === "INSERT"
      ? /^insert\s+into\s+("?)([\w.]+)\1/i.exec(statement)
      : operation === "UPDATE"
        ? /^update\s+("?)([\w.]+)\1/i.exec(statement)
        : operation === "SELECT" || operation === "DELETE" || operation === "WITH"
          ? /\bfrom\s+("?)([\w.]+)\1/i.exec(statement)
          : null;
  const collection = target?.[2];
  return collection === undefined ? { operation } : { operation, collection };
}

function sqlTextOf(query: unknown): string | undefined {
  if (typeof query === "string") return query;
  if (query && typeof query === "object" && "text" in query && typeof query.text === "string") {
    // A Submittable (a cursor) manages its own lifecycle: not traced.
    return "submit" in query ? undefined : query.text;
  }
  return undefined;
}

function startQuerySpan(text: string): Span {
  const { operation, collection } = describeSql(text);
  const summary = collection === undefined ? operation : `${operation} ${collection}`;
  return trace.getTracer("stepwise").startSpan("db.query", {
    kind: SpanKind.CLIENT,
    attributes: {
      "db.system.name": "postgresql",
      "db.operation.name": operation,
      "db.query.summary": summary,
      ...(collection !== undefined && { "db.collection.name": collection }),
    },
  });
}

/** The SQLSTATE says what went wrong; the message may quote values, so it stays out. */
function endWithError(span: Span, error: unknown): void {
  const code =
    error && typeof error === "object" && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  const name = error instanceof Error ? error.name : "Error";
  span.recordException({ name });
  if (code) span.setAttribute("db.response.status_code", code);
  span.setAttribute("error.type", code ?? name);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Replaces `target.query` with one that opens a span per statement (promise or callback style). */
function traceQueries(target: Queryable): void {
  const query = target.query.bind(target);
  target.query = (...args: unknown[]) => {
    const text = sqlTextOf(args[0]);
    if (text === undefined || trace.getSpan(context.active()) === undefined) return query(...args);
    const span = startQuerySpan(text);
    const last = args.at(-1);
    if (typeof last === "function") {
      // pg-pool's own `pool.query` calls its client in callback style.
      const callback = (error: unknown, ...rest: unknown[]) => {
        if (error) endWithError(span, error);
        else span.end();
        return last(error, ...rest);
      };
      return query(...args.slice(0, -1), callback);
    }
    try {
      return Promise.resolve(query(...args)).then(
        (result) => {
          span.end();
          return result;
        },
        (error: unknown) => {
          endWithError(span, error);
          throw error;
        },
      );
    } catch (error) {
      endWithError(span, error);
      throw error;
    }
  };
}

type PGliteLike = Queryable & { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> };

/** PGlite: its own `query`, and the `query` of each transaction it hands out. */
export function tracePgliteQueries(pglite: { query: unknown; transaction: unknown }): void {
  // PGlite's overloads are narrower than a wrapper's rest arguments; the wrapper passes them through.
  const client = pglite as PGliteLike;
  traceQueries(client);
  const transaction = client.transaction.bind(client);
  client.transaction = <T>(fn: (tx: Queryable) => Promise<T>) =>
    transaction((tx: Queryable) => {
      traceQueries(tx);
      return fn(tx);
    });
}

type PoolLike = {
  connect: (...args: unknown[]) => unknown;
  on: (event: "connect", listener: (client: Queryable) => void) => unknown;
};

/**
 * node-postgres and Neon pools: every statement runs on a pooled client, so the clients are
 * wrapped as the pool creates them. A caller queued for a busy pool is handed its client from
 * another caller's release; binding the callback keeps the span under the caller that asked.
 */
export function tracePoolQueries(pool: PoolLike): void {
  const connect = pool.connect.bind(pool);
  pool.connect = (...args: unknown[]) => {
    const [callback] = args;
    return typeof callback === "function"
      ? connect(context.bind(context.active(), callback as QueryFn))
      : connect(...args);
  };
  pool.on("connect", (client) => traceQueries(client));
}

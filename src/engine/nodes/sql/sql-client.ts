/**
 * The capability sql nodes run statements through. The engine stays free of database drivers and SQL
 * parsers: the server injects an implementation (`NodeDeps.sql`) that resolves the workspace's postgres
 * credential, classifies the statement with a real SQL parser, enforces the node's safety flags and
 * executes it in a transaction.
 */

/** A scalar bound to a placeholder; `null` is SQL NULL. */
export type SqlScalar = string | number | boolean | null;

/** A value bound to `$n`: a scalar, or an array of scalars (a Postgres array, e.g. for `= ANY($1)`). */
export type SqlParam = SqlScalar | SqlScalar[];

/** One execution, with every param already rendered. Flags are the node's config, defaults applied. */
export type SqlRequest = {
  /** Name of a `postgres` credential in the run's workspace; its secret is the connection URL. */
  credential: string;
  statement: string;
  /** Bound as $1..$n, never spliced into the SQL text. */
  params: SqlParam[];
  allowWrites: boolean;
  dryRun: boolean;
  allowMultipleStatements: boolean;
  allowDdl: boolean;
  timeoutMs: number;
  maxRows: number;
};

/** How a statement was classified by the parser. "other" statements are always refused. */
export type SqlStatementClass = "read" | "write" | "ddl" | "other";

/** What a dry run would do for one statement: its EXPLAIN, or why there is none. */
export type SqlPlanEntry = {
  statement: string;
  class: SqlStatementClass;
  /** EXPLAIN's lines; null when the statement cannot be explained (DDL, COPY). */
  plan: string[] | null;
  note?: string;
};

export type SqlField = { name: string; dataTypeId: number };

/**
 * The node's output. "read": ran in a READ ONLY transaction; "write": ran read-write and committed;
 * "dry_run": only EXPLAINed inside a transaction that was rolled back, nothing changed.
 * For several statements, `rows`/`fields`/`rowCount` are the last statement's.
 */
export type SqlResult =
  | {
      kind: "read" | "write";
      rows: Record<string, unknown>[];
      rowCount: number;
      fields: SqlField[];
      /** Every statement's command tag and row count, in order. */
      statements: Array<{ command: string; rowCount: number }>;
      /** True when rows were cut at `maxRows`. */
      truncated: boolean;
    }
  | { kind: "dry_run"; rowCount: 0; plan: SqlPlanEntry[]; truncated: false };

/**
 * Runs one node's SQL. Implementations throw `NodeExecutionError`: retriable for connection failures,
 * timeouts, serialization failures and deadlocks; non-retriable for anything the workflow's author must
 * fix (a refused statement, a missing credential, a SQL error), with a message naming the config field.
 * They never put the connection URL in a message, and never retry on their own.
 */
export type SqlClient = { execute: (request: SqlRequest) => Promise<SqlResult> };

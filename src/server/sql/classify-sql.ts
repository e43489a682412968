import { NodeExecutionError, type SqlStatementClass } from "@/engine";

/** One statement of a node's SQL, as the parser sees it. */
export type ClassifiedStatement = {
  /** The statement's own text (without the `;` that ends it), for running it alone. */
  text: string;
  class: SqlStatementClass;
  /** The parse-tree node, e.g. "SelectStmt": what the statement is, whatever its spelling. */
  node: string;
  /** Why a statement is not a plain read: shown in refusals and dry-run notes. */
  reason?: string;
  /** Whether `EXPLAIN <text>` is valid, i.e. a dry run can show its plan. */
  explainable: boolean;
  /** A query (SELECT/VALUES, locking or not): its rows are read through a cursor, a few at a time. */
  cursorable: boolean;
  /** Highest `$n` the statement refers to (0 for none). */
  maxParam: number;
};

/** Statements that change data, wherever they appear (a data-modifying CTE is one of these inside a WITH). */
const WRITE_NODES = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);

/** Schema and privilege changes, plus maintenance that rewrites tables. */
const DDL_NODES = new Set([
  "TruncateStmt",
  "GrantStmt",
  "GrantRoleStmt",
  "IndexStmt",
  "ViewStmt",
  "RuleStmt",
  "RenameStmt",
  "CommentStmt",
  "CompositeTypeStmt",
  "RefreshMatViewStmt",
  "ReindexStmt",
  "ClusterStmt",
  "VacuumStmt",
  "SecLabelStmt",
  "ImportForeignSchemaStmt",
  "ReassignOwnedStmt",
]);
/** CREATE …, ALTER …, DROP … and DefineStmt (CREATE AGGREGATE/OPERATOR/TYPE): all DDL, except below. */
const DDL_PREFIX = /^(Create|Alter|Drop|Define)/;
/** ALTER SYSTEM rewrites the server's configuration file: never a workflow's business. */
const NEVER_DDL = new Set(["AlterSystemStmt"]);

/**
 * Functions refused in every statement, by name (schema-qualified or quoted alike). A parser cannot see
 * into SQL text handed to a function, nor into another session: these would run statements the node
 * never classified, or reach beyond the database's rows. Defence in depth: the role check at connect
 * (see check-sql-role.ts) and the READ ONLY transaction are the primary guards. Functions that read a
 * table by name (table_to_xml, schema_to_xml, database_to_xml) stay allowed: they read no more than a
 * SELECT under the same privileges and transaction.
 */
const DENIED_FUNCTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^set_config$/, "would change the guards the node runs under"],
  [/^dblink/, "opens a connection of its own, outside the node's read-only transaction"],
  [
    /^(query_to_xml|query_to_xmlschema|query_to_xml_and_xmlschema|cursor_to_xml|cursor_to_xmlschema|ts_stat|ts_rewrite|crosstab\d*|connectby)$/,
    "runs SQL text that the node cannot check",
  ],
  [
    /^(lo_\w+|loread|lowrite|pg_read_file|pg_read_binary_file|pg_stat_file|pg_ls_\w+|pg_file_\w+|pg_logdir_ls)$/,
    "touches files or large objects on the database server",
  ],
  [
    /^(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_switch_wal|pg_create_restore_point|pg_(start|stop)_backup|pg_backup_(start|stop)|pg_log_backend_memory_contexts|pg_\w*replication_(slot|origin)\w*|pg_logical_\w+)$/,
    "administers the server, replication or other sessions",
  ],
  [/^pg_(try_)?advisory\w*$/, "takes advisory locks, which coordinate other applications"],
  [/^pg_sleep/, "only holds a connection open"],
];

/** Why a function is refused, or undefined when it is allowed. */
export function deniedFunctionReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  return DENIED_FUNCTIONS.find(([pattern]) => pattern.test(lower))?.[1];
}

type AstObject = { [key: string]: unknown };

/**
 * Parses SQL with the PostgreSQL parser itself (libpg-query: the server's grammar compiled to WASM) and
 * classifies each statement as read, write, DDL or other. Comments, quoted strings, dollar quoting and
 * `;` inside them are handled exactly as the server handles them, which no regex can promise.
 *
 * @throws {NodeExecutionError} "invalid_sql" (not retriable) with the parser's message and position.
 */
export async function classifySql(sql: string): Promise<ClassifiedStatement[]> {
  // Loaded on first use: the WASM parser is only needed where sql nodes run.
  const { parse } = await import("libpg-query");
  let statements: Array<{ stmt?: unknown; stmt_location?: number; stmt_len?: number }>;
  try {
    statements = sql.trim() === "" ? [] : ((await parse(sql)).stmts ?? []);
  } catch (thrown) {
    throw parseError(sql, thrown);
  }
  if (statements.length === 0) {
    throw new NodeExecutionError("config.statement: contains no SQL statement", {
      code: "invalid_sql",
      retriable: false,
    });
  }
  // Locations are byte offsets into the UTF-8 text.
  const bytes = Buffer.from(sql, "utf8");
  return statements.map((raw) => {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
    const [node, body] = unwrap(raw.stmt);
    return { text: bytes.subarray(start, end).toString("utf8").trim(), node, ...classifyNode(node, body) };
  });
}

type Classification = Omit<ClassifiedStatement, "text" | "node">;

function classifyNode(node: string, body: AstObject): Classification {
  const maxParam = highestParam(body);
  const base = { maxParam, explainable: false, cursorable: false };
  // Any statement, DDL included (CREATE TABLE … AS SELECT dblink_exec(…) would run it).
  const denied = inspect(body).deniedFunction;
  if (denied) {
    return { ...base, class: "other", reason: `${denied}() ${deniedFunctionReason(denied)}` };
  }
  if (node === "ExplainStmt") return classifyExplain(body, maxParam);
  if (node === "VariableShowStmt") return { ...base, class: "read" };
  if (node === "CopyStmt")
    return { ...base, class: "write", reason: "COPY moves data into or out of tables" };
  if (node === "SelectStmt" || WRITE_NODES.has(node)) {
    const found = inspect(body);
    const executable = { ...base, explainable: true };
    if (WRITE_NODES.has(node)) return { ...executable, class: "write" };
    if (found.into) return { ...executable, class: "ddl", reason: "SELECT … INTO creates a table" };
    if (found.write) return { ...executable, class: "write", reason: "a data-modifying statement in WITH" };
    if (found.locking) {
      // A cursor may lock (DECLARE … FOR SELECT … FOR UPDATE), so its rows stream like a read's.
      return {
        ...executable,
        class: "write",
        cursorable: true,
        reason: "SELECT … FOR UPDATE/SHARE locks rows",
      };
    }
    return { ...executable, class: "read", cursorable: true };
  }
  if (!NEVER_DDL.has(node) && (DDL_NODES.has(node) || DDL_PREFIX.test(node))) {
    // CREATE TABLE … AS and CREATE MATERIALIZED VIEW … AS are the only DDL EXPLAIN accepts.
    return { ...base, class: "ddl", explainable: node === "CreateTableAsStmt" };
  }
  return { ...base, class: "other", reason: OTHER_REASONS[node] ?? "not a query, a write or DDL" };
}

/** EXPLAIN only plans; EXPLAIN ANALYZE also runs the statement, so it is whatever that statement is. */
function classifyExplain(body: AstObject, maxParam: number): Classification {
  const [innerNode, inner] = unwrap(body.query);
  if (!hasAnalyze(body.options)) return { class: "read", explainable: false, cursorable: false, maxParam };
  const classified = classifyNode(innerNode, inner);
  if (classified.class === "read") return { ...classified, explainable: false, cursorable: false };
  return {
    ...classified,
    explainable: false,
    cursorable: false,
    reason: "EXPLAIN ANALYZE runs the statement",
  };
}

/** `EXPLAIN (ANALYZE)` or `ANALYZE true/on/1`; only an explicit false/off/0/no turns it off. */
function hasAnalyze(options: unknown): boolean {
  if (!Array.isArray(options)) return false;
  return options.some((option) => {
    const [kind, element] = unwrap(option);
    if (kind !== "DefElem" || element.defname !== "analyze") return false;
    const value = JSON.stringify(element.arg ?? "").toLowerCase();
    return !/"(false|off|no|0)"|:0\b/.test(value);
  });
}

const OTHER_REASONS: Record<string, string> = {
  TransactionStmt: "the node manages the transaction itself",
  VariableSetStmt: "session settings (SET, SET ROLE …) would change the guards the node runs under",
  DoStmt: "DO runs procedural code",
  CallStmt: "CALL runs a procedure that may do anything",
  PrepareStmt: "prepared statements are not supported",
  ExecuteStmt: "prepared statements are not supported",
  DeallocateStmt: "prepared statements are not supported",
  DeclareCursorStmt: "cursors are managed by the node (see maxRows)",
  FetchStmt: "cursors are managed by the node (see maxRows)",
  ClosePortalStmt: "cursors are managed by the node (see maxRows)",
  ListenStmt: "notifications are not supported",
  NotifyStmt: "notifications are not supported",
  UnlistenStmt: "notifications are not supported",
  LockStmt: "explicit table locks are not supported",
  LoadStmt: "LOAD loads a server library",
  AlterSystemStmt: "ALTER SYSTEM changes the server's configuration",
};

type Findings = { write: boolean; locking: boolean; into: boolean; deniedFunction?: string };

/** Walks a statement's whole tree: CTEs, subqueries and set operations included. */
function inspect(tree: unknown, found: Findings = { write: false, locking: false, into: false }): Findings {
  if (Array.isArray(tree)) {
    for (const item of tree) inspect(item, found);
    return found;
  }
  if (!isObject(tree)) return found;
  for (const [key, value] of Object.entries(tree)) {
    if (WRITE_NODES.has(key)) found.write = true;
    if (key === "lockingClause" && Array.isArray(value) && value.length > 0) found.locking = true;
    if (key === "intoClause") found.into = true;
    if (key === "FuncCall" && isObject(value)) {
      const name = functionName(value.funcname);
      if (name !== undefined && deniedFunctionReason(name)) found.deniedFunction ??= name;
    }
    inspect(value, found);
  }
  return found;
}

/** The last part of a (possibly schema-qualified) function name. */
function functionName(parts: unknown): string | undefined {
  if (!Array.isArray(parts)) return undefined;
  const last: unknown = parts.at(-1);
  const [kind, value] = unwrap(last);
  return kind === "String" && typeof value.sval === "string" ? value.sval.toLowerCase() : undefined;
}

function highestParam(tree: unknown): number {
  if (Array.isArray(tree)) return tree.reduce((max: number, item) => Math.max(max, highestParam(item)), 0);
  if (!isObject(tree)) return 0;
  let max = 0;
  for (const [key, value] of Object.entries(tree)) {
    if (key === "ParamRef" && isObject(value) && typeof value.number === "number")
      max = Math.max(max, value.number);
    max = Math.max(max, highestParam(value));
  }
  return max;
}

/** Parse-tree nodes are `{ NodeName: { …fields } }`. */
function unwrap(node: unknown): [string, AstObject] {
  if (!isObject(node)) return ["", {}];
  const [entry] = Object.entries(node);
  if (!entry || !isObject(entry[1])) return [entry?.[0] ?? "", {}];
  return [entry[0], entry[1]];
}

function isObject(value: unknown): value is AstObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseError(sql: string, thrown: unknown): NodeExecutionError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const details = (thrown as { sqlDetails?: { cursorPosition?: number } } | null)?.sqlDetails;
  const position = details?.cursorPosition;
  // A common first attempt: values are bound through params, the statement is not a template.
  const hint = sql.includes("{{")
    ? " (the statement is not a template: pass values through params and refer to them as $1, $2 …)"
    : "";
  return new NodeExecutionError(
    `config.statement: ${message}${position !== undefined && position >= 0 ? ` at position ${position}` : ""}${hint}`,
    { code: "invalid_sql", retriable: false, details: position === undefined ? undefined : { position } },
  );
}

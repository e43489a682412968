import type pg from "pg";
import {
  NodeExecutionError,
  type SqlField,
  type SqlParam,
  type SqlPlanEntry,
  type SqlResult,
} from "@/engine";
import { type ClassifiedStatement, classifySql } from "./classify-sql";
import type { SqlMode } from "./sql-policy";

export type SqlRun = {
  mode: SqlMode;
  statements: ClassifiedStatement[];
  params: SqlParam[];
  timeoutMs: number;
  maxRows: number;
  /** Serialized size the rows may reach; reading stops as soon as they pass it. */
  maxBytes: number;
};

type Rows = { rows: Record<string, unknown>[]; fields: SqlField[]; rowCount: number; truncated: boolean };

const CURSOR = "stepwise_rows";
/** Rows fetched at most per round trip once rows have proved small. */
const MAX_FETCH_BATCH = 1_000;

/**
 * Runs classified statements on a connected client, in one transaction: READ ONLY for reads and dry
 * runs (rolled back), read-write for confirmed writes (committed). Each statement is sent alone over
 * the extended protocol, which refuses a text holding two commands, and under `statement_timeout`.
 */
export async function runSql(client: pg.Client, run: SqlRun): Promise<SqlResult> {
  await client.query(run.mode === "write" ? "BEGIN READ WRITE" : "BEGIN READ ONLY");
  try {
    // Lex strings as the parser did: with this off, backslashes would let the server read the text
    // differently from the classification.
    await client.query("SET LOCAL standard_conforming_strings = on");
    const result = run.mode === "dry_run" ? await dryRun(client, run) : await execute(client, run);
    await client.query(run.mode === "write" ? "COMMIT" : "ROLLBACK");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function execute(client: pg.Client, run: SqlRun): Promise<SqlResult> {
  const statements: Array<{ command: string; rowCount: number }> = [];
  let last: Rows = { rows: [], fields: [], rowCount: 0, truncated: false };
  for (const statement of run.statements) {
    const values = run.params.slice(0, statement.maxParam);
    if (statement.cursorable) {
      await userQuery(
        client,
        run.timeoutMs,
        `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${statement.text}`,
        values,
      );
      last = await readCursor(client, run);
      await client.query(`CLOSE ${CURSOR}`);
      statements.push({ command: "SELECT", rowCount: last.rowCount });
    } else {
      const result = await userQuery(client, run.timeoutMs, statement.text, values);
      last = capRows(result, run.maxRows);
      assertWithinBytes(last.rows, run.maxBytes);
      statements.push({ command: result.command ?? statement.node, rowCount: last.rowCount });
    }
  }
  return { kind: run.mode === "write" ? "write" : "read", ...last, statements };
}

async function dryRun(client: pg.Client, run: SqlRun): Promise<SqlResult> {
  const plan: SqlPlanEntry[] = [];
  for (const statement of run.statements) {
    const entry = { statement: statement.text, class: statement.class };
    if (!statement.explainable) {
      plan.push({ ...entry, plan: null, note: "cannot be EXPLAINed: checked by the parser only, not run" });
      continue;
    }
    const explain = `EXPLAIN ${statement.text}`;
    await assertPlainExplain(explain);
    const result = await userQuery(client, run.timeoutMs, explain, run.params.slice(0, statement.maxParam));
    plan.push({ ...entry, plan: result.rows.map((row) => String(row["QUERY PLAN"])) });
  }
  return { kind: "dry_run", rowCount: 0, plan, truncated: false };
}

/** Belt and braces: what the dry run sends must itself parse as one EXPLAIN that runs nothing. */
async function assertPlainExplain(text: string): Promise<void> {
  const parsed = await classifySql(text);
  if (parsed.length !== 1 || parsed[0]?.node !== "ExplainStmt" || parsed[0].class !== "read") {
    throw new Error("refusing a dry run whose EXPLAIN does not parse as a single plain EXPLAIN");
  }
}

/** A statement from the node, under its own statement_timeout: an earlier one cannot lift the limit. */
async function userQuery(
  client: pg.Client,
  timeoutMs: number,
  text: string,
  values: SqlParam[],
): Promise<pg.QueryResult<Record<string, unknown>>> {
  await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}`);
  // `queryMode` (pg ≥ 8.12) forces Parse/Bind/Execute even without values; @types/pg lacks it.
  const query: pg.QueryConfig<SqlParam[]> & { queryMode: "extended" } = {
    text,
    values,
    queryMode: "extended",
  };
  return client.query<Record<string, unknown>>(query);
}

/**
 * Reads the cursor in batches that start at one row and grow while the rows stay small, so only
 * `maxRows + 1` rows ever leave the server (enough to know whether there were more) and reading stops
 * at the first batch that takes the rows past `maxBytes`: a few huge rows are refused after the first,
 * without the rest ever being fetched.
 */
async function readCursor(client: pg.Client, run: SqlRun): Promise<Rows> {
  const rows: Record<string, unknown>[] = [];
  let fields: SqlField[] = [];
  let bytes = 0;
  let largest = 1;
  let fetched = 0;
  let batch = 1;
  while (fetched <= run.maxRows) {
    const count = Math.min(batch, run.maxRows + 1 - fetched);
    const result = await client.query<Record<string, unknown>>(`FETCH FORWARD ${count} FROM ${CURSOR}`);
    fields = fieldsOf(result);
    for (const row of result.rows) {
      fetched += 1;
      if (fetched > run.maxRows) break;
      const size = rowBytes(row);
      bytes += size;
      largest = Math.max(largest, size);
      if (bytes > run.maxBytes) throw tooLarge(run.maxBytes, fetched);
      rows.push(row);
    }
    if (result.rows.length < count) break;
    batch = Math.max(1, Math.min(batch * 2, MAX_FETCH_BATCH, Math.floor((run.maxBytes - bytes) / largest)));
  }
  // The cursor's total is unknown (that is the point): count what is returned.
  return { rows, fields, rowCount: rows.length, truncated: fetched > run.maxRows };
}

/**
 * A statement that cannot go through a cursor (a write's RETURNING, EXPLAIN, SHOW) arrives whole: its
 * rows, capped at `maxRows`, are measured once they are in, so the node refuses what it could not store.
 */
function assertWithinBytes(rows: Record<string, unknown>[], maxBytes: number): void {
  let bytes = 0;
  for (const [index, row] of rows.entries()) {
    bytes += rowBytes(row);
    if (bytes > maxBytes) throw tooLarge(maxBytes, index + 1);
  }
}

/** Rows are stored as JSON with the run: that is the size that counts. */
function rowBytes(row: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(row));
}

function tooLarge(maxBytes: number, rowsRead: number): NodeExecutionError {
  return new NodeExecutionError(
    `The rows passed ${maxBytes} bytes at row ${rowsRead}; select fewer columns or rows (maxRows), or aggregate in SQL`,
    { code: "output_too_large", retriable: false, details: { maxBytes, rowsRead } },
  );
}

function fieldsOf(result: pg.QueryResult): SqlField[] {
  return (result.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID }));
}

function capRows(result: pg.QueryResult<Record<string, unknown>>, maxRows: number): Rows {
  const all = result.rows ?? [];
  const rows = all.slice(0, maxRows);
  // The server's count: rows affected by a write, rows produced by a read (before the cap).
  return {
    rows,
    fields: fieldsOf(result),
    rowCount: result.rowCount ?? all.length,
    truncated: all.length > maxRows,
  };
}

import type pg from "pg";
import type { SqlField, SqlParam, SqlPlanEntry, SqlResult } from "@/engine";
import { type ClassifiedStatement, classifySql } from "./classify-sql";
import type { SqlMode } from "./sql-policy";

export type SqlRun = {
  mode: SqlMode;
  statements: ClassifiedStatement[];
  params: SqlParam[];
  timeoutMs: number;
  maxRows: number;
};

type Rows = { rows: Record<string, unknown>[]; fields: SqlField[]; rowCount: number; truncated: boolean };

const CURSOR = "stepwise_rows";

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
      // Only maxRows + 1 rows ever leave the server: enough to know whether there were more.
      await userQuery(
        client,
        run.timeoutMs,
        `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${statement.text}`,
        values,
      );
      const fetched = capRows(
        await client.query(`FETCH FORWARD ${run.maxRows + 1} FROM ${CURSOR}`),
        run.maxRows,
      );
      // The cursor's total is unknown (that is the point): count what is returned.
      last = { ...fetched, rowCount: fetched.rows.length };
      await client.query(`CLOSE ${CURSOR}`);
      statements.push({ command: "SELECT", rowCount: last.rowCount });
    } else {
      const result = await userQuery(client, run.timeoutMs, statement.text, values);
      last = capRows(result, run.maxRows);
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

function capRows(result: pg.QueryResult<Record<string, unknown>>, maxRows: number): Rows {
  const all = result.rows ?? [];
  const rows = all.slice(0, maxRows);
  const fields = (result.fields ?? []).map((field) => ({ name: field.name, dataTypeId: field.dataTypeID }));
  // The server's count: rows affected by a write, rows produced by a read (before the cap).
  return { rows, fields, rowCount: result.rowCount ?? all.length, truncated: all.length > maxRows };
}

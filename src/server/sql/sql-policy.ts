import { NodeExecutionError, type SqlRequest } from "@/engine";
import type { ClassifiedStatement } from "./classify-sql";

/**
 * How the statements will run: "read" in a READ ONLY transaction, "dry_run" as EXPLAIN only inside a
 * READ ONLY transaction that is rolled back, "write" in a read-write transaction that is committed.
 */
export type SqlMode = "read" | "write" | "dry_run";

type Flags = Pick<SqlRequest, "allowWrites" | "dryRun" | "allowMultipleStatements" | "allowDdl" | "params">;

/**
 * Decides what may run, before any connection is made. Every refusal is final (the author must change
 * the statement or the node's flags) and names the flag that would allow it.
 *
 * Writes need `allowWrites`, and happen only with `dryRun: false` (the explicit confirmation); DDL needs
 * `allowDdl` on top. A read with `allowWrites` and `dryRun: false` also runs read-write: that is the one
 * way to call a function that writes, and the author has confirmed writes.
 */
export function decideSqlMode(statements: ClassifiedStatement[], flags: Flags): SqlMode {
  statements.forEach((statement, index) => {
    if (statement.class === "other") {
      throw refused(`${describe(statement, index, statements.length)} is not allowed: ${statement.reason}`);
    }
    if (statement.node === "CopyStmt") {
      // COPY FROM STDIN would wait for data the node cannot send; COPY TO STDOUT's rows would be lost.
      throw refused(
        `${describe(statement, index, statements.length)} is not supported: use INSERT … SELECT to copy rows, or SELECT to read them`,
      );
    }
  });
  if (statements.length > 1 && !flags.allowMultipleStatements) {
    throw refused(
      `config.statement holds ${statements.length} statements; set allowMultipleStatements: true to run them in one transaction`,
    );
  }
  const ddl = statements.findIndex((statement) => statement.class === "ddl");
  const ddlStatement = statements[ddl];
  if (ddlStatement && !flags.allowDdl) {
    throw refused(
      `${describe(ddlStatement, ddl, statements.length)} is DDL${because(ddlStatement)}; set allowDdl: true (with allowWrites: true) to allow it`,
    );
  }
  const write = statements.findIndex((statement) => statement.class !== "read");
  const writeStatement = statements[write];
  if (writeStatement && !flags.allowWrites) {
    throw refused(
      `${describe(writeStatement, write, statements.length)} writes to the database${because(writeStatement)}; set allowWrites: true to allow it (it then dry-runs until dryRun: false)`,
    );
  }
  checkParams(statements, flags.params.length);
  if (flags.allowWrites && !flags.dryRun) return "write";
  return writeStatement ? "dry_run" : "read";
}

/** Postgres would refuse a mismatch too, but only after connecting and with a less useful message. */
function checkParams(statements: ClassifiedStatement[], given: number): void {
  const used = Math.max(...statements.map((statement) => statement.maxParam));
  if (used > given) {
    throw new NodeExecutionError(
      `config.params: the statement refers to $${used} but ${given === 0 ? "no params are" : `only ${given} ${given === 1 ? "param is" : "params are"}`} given`,
      { code: "invalid_params", retriable: false },
    );
  }
  if (given > used) {
    throw new NodeExecutionError(
      `config.params: ${given} ${given === 1 ? "param is" : "params are"} given but the statement ${used === 0 ? "has no placeholders" : `refers only up to $${used}`}`,
      { code: "invalid_params", retriable: false },
    );
  }
}

function refused(message: string): NodeExecutionError {
  return new NodeExecutionError(message, { code: "sql_refused", retriable: false });
}

function because(statement: ClassifiedStatement): string {
  return statement.reason ? ` (${statement.reason})` : "";
}

/** "config.statement (DELETE …)" or, among several, "statement 2 of config.statement (DELETE …)". */
function describe(statement: ClassifiedStatement, index: number, count: number): string {
  const words = statement.text.replace(/\s+/g, " ");
  const preview = words.length > 40 ? `${words.slice(0, 40)}…` : words;
  return `${count > 1 ? `statement ${index + 1} of ` : ""}config.statement (${preview})`;
}

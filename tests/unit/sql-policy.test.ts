import { describe, expect, it } from "vitest";
import { isNodeExecutionError } from "@/engine";
import { classifySql } from "@/server/sql/classify-sql";
import { decideSqlMode } from "@/server/sql/sql-policy";

const DEFAULTS = {
  allowWrites: false,
  dryRun: true,
  allowMultipleStatements: false,
  allowDdl: false,
  params: [] as string[],
};

async function decide(sql: string, flags: Partial<typeof DEFAULTS> = {}) {
  return decideSqlMode(await classifySql(sql), { ...DEFAULTS, ...flags });
}

async function refusal(sql: string, flags: Partial<typeof DEFAULTS> = {}) {
  try {
    await decide(sql, flags);
  } catch (thrown) {
    if (!isNodeExecutionError(thrown)) throw thrown;
    expect(thrown.retriable).toBe(false);
    return thrown;
  }
  throw new Error(`expected ${sql} to be refused`);
}

describe("decideSqlMode", () => {
  it("runs reads read-only, whatever the write flags", async () => {
    expect(await decide("SELECT 1")).toBe("read");
    expect(await decide("SELECT 1", { allowWrites: true })).toBe("read");
  });

  it("refuses a write without allowWrites, naming the flag", async () => {
    const error = await refusal("DELETE FROM t");
    expect(error.code).toBe("sql_refused");
    expect(error.message).toMatch(
      /config\.statement \(DELETE FROM t\) writes to the database; set allowWrites: true/,
    );
  });

  it("dry-runs a write with allowWrites until dryRun is false", async () => {
    expect(await decide("DELETE FROM t", { allowWrites: true })).toBe("dry_run");
    expect(await decide("DELETE FROM t", { allowWrites: true, dryRun: false })).toBe("write");
  });

  it("ignores dryRun: false without allowWrites", async () => {
    expect(await decide("SELECT 1", { dryRun: false })).toBe("read");
    expect((await refusal("UPDATE t SET a = 1", { dryRun: false })).message).toMatch(/allowWrites/);
  });

  it("runs a confirmed read read-write, so a function that writes can be called on purpose", async () => {
    expect(await decide("SELECT log_visit()", { allowWrites: true, dryRun: false })).toBe("write");
  });

  it("says why a hidden write is one", async () => {
    const error = await refusal("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d");
    expect(error.message).toMatch(/\(a data-modifying statement in WITH\)/);
  });

  it("refuses DDL without allowDdl, and without allowWrites even with it", async () => {
    expect((await refusal("DROP TABLE t", { allowWrites: true })).message).toMatch(
      /is DDL; set allowDdl: true/,
    );
    expect((await refusal("DROP TABLE t", { allowDdl: true })).message).toMatch(/set allowWrites: true/);
    expect(await decide("DROP TABLE t", { allowDdl: true, allowWrites: true })).toBe("dry_run");
    expect(await decide("DROP TABLE t", { allowDdl: true, allowWrites: true, dryRun: false })).toBe("write");
  });

  it("refuses several statements without allowMultipleStatements", async () => {
    const error = await refusal("SELECT 1; SELECT 2");
    expect(error.message).toMatch(/holds 2 statements; set allowMultipleStatements: true/);
    expect(await decide("SELECT 1; SELECT 2", { allowMultipleStatements: true })).toBe("read");
  });

  it("checks every statement of a batch, naming the one refused", async () => {
    const error = await refusal("SELECT 1; DELETE FROM t", { allowMultipleStatements: true });
    expect(error.message).toMatch(/^statement 2 of config\.statement \(DELETE FROM t\) writes/);
  });

  it("always refuses other statements, whatever the flags", async () => {
    const all = { allowWrites: true, dryRun: false, allowDdl: true, allowMultipleStatements: true };
    for (const sql of [
      "BEGIN",
      "SET ROLE admin",
      "DO $$ BEGIN END $$",
      "SELECT set_config('a.b', '1', false)",
    ]) {
      expect((await refusal(sql, all)).message, sql).toMatch(/is not allowed: /);
    }
  });

  it("refuses COPY, which needs a data stream the node does not have", async () => {
    const all = { allowWrites: true, dryRun: false };
    expect((await refusal("COPY t FROM STDIN", all)).message).toMatch(
      /is not supported: use INSERT … SELECT/,
    );
    expect((await refusal("COPY t TO STDOUT", all)).message).toMatch(/is not supported/);
  });

  it("checks params against the placeholders", async () => {
    expect(await decide("SELECT $1::int, $2::text", { params: ["1", "a"] })).toBe("read");
    const missing = await refusal("SELECT $2::int");
    expect(missing).toMatchObject({ code: "invalid_params" });
    expect(missing.message).toMatch(/config\.params: the statement refers to \$2 but no params are given/);
    expect((await refusal("SELECT 1", { params: ["x"] })).message).toMatch(
      /config\.params: 1 param is given but the statement has no placeholders/,
    );
  });
});

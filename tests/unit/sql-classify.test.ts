import { describe, expect, it } from "vitest";
import { isNodeExecutionError } from "@/engine";
import { classifySql } from "@/server/sql/classify-sql";

async function classOf(sql: string) {
  return (await classifySql(sql)).map((statement) => statement.class);
}

async function failureOf(sql: string) {
  try {
    await classifySql(sql);
  } catch (thrown) {
    if (isNodeExecutionError(thrown)) return thrown;
    throw thrown;
  }
  throw new Error(`expected ${sql} not to parse`);
}

describe("classifySql: reads", () => {
  it.each([
    "SELECT 1",
    "select * from users where id = $1",
    "SELECT u.*, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) FROM users u",
    "WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT * FROM recent",
    "WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t",
    "VALUES (1, 'a'), (2, 'b')",
    "SELECT 1 UNION SELECT 2 EXCEPT SELECT 3",
    "SHOW search_path",
    "EXPLAIN SELECT * FROM users",
    "EXPLAIN DELETE FROM users",
    "EXPLAIN (ANALYZE false, COSTS off) DELETE FROM users",
    "EXPLAIN (ANALYZE off) UPDATE users SET name = 'x'",
    "EXPLAIN ANALYZE SELECT * FROM users",
    "SELECT 'DELETE FROM users; DROP TABLE users'",
    "SELECT $$ INSERT INTO t VALUES (1); $$ AS not_code",
    "SELECT 1 -- ; DELETE FROM users",
    "/* DROP TABLE users; */ SELECT 1",
    'SELECT "insert" FROM "delete"',
    "SELECT jsonb_build_object('a', 1) #>> '{a}'",
  ])("%s", async (sql) => {
    expect(await classOf(sql)).toEqual(["read"]);
  });

  it("marks plain queries as readable through a cursor, and EXPLAIN/SHOW as not", async () => {
    const [select] = await classifySql("SELECT 1");
    const [show] = await classifySql("SHOW TimeZone");
    const [explain] = await classifySql("EXPLAIN SELECT 1");
    expect([select?.cursorable, show?.cursorable, explain?.cursorable]).toEqual([true, false, false]);
  });
});

describe("classifySql: writes", () => {
  it.each([
    ["INSERT INTO t (a) VALUES ($1)", undefined],
    ["UPDATE t SET a = 1 WHERE id = 2", undefined],
    ["DELETE FROM t", undefined],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", undefined],
    ["COPY t FROM STDIN", "COPY moves data into or out of tables"],
    ["COPY (SELECT 1) TO STDOUT", "COPY moves data into or out of tables"],
    ["WITH moved AS (DELETE FROM t RETURNING *) SELECT * FROM moved", "a data-modifying statement in WITH"],
    [
      "WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM x",
      "a data-modifying statement in WITH",
    ],
    [
      "SELECT * FROM (WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM x) sub",
      "a data-modifying statement in WITH",
    ],
    ["SELECT * FROM t FOR UPDATE", "SELECT … FOR UPDATE/SHARE locks rows"],
    ["SELECT * FROM t FOR SHARE SKIP LOCKED", "SELECT … FOR UPDATE/SHARE locks rows"],
    ["SELECT * FROM (SELECT * FROM t FOR NO KEY UPDATE) s", "SELECT … FOR UPDATE/SHARE locks rows"],
    ["EXPLAIN ANALYZE DELETE FROM t", "EXPLAIN ANALYZE runs the statement"],
    ["EXPLAIN (ANALYZE, BUFFERS) INSERT INTO t VALUES (1)", "EXPLAIN ANALYZE runs the statement"],
    ["EXPLAIN (ANALYZE true) UPDATE t SET a = 2", "EXPLAIN ANALYZE runs the statement"],
  ])("%s", async (sql, reason) => {
    const [statement] = await classifySql(sql);
    expect(statement?.class).toBe("write");
    expect(statement?.reason).toBe(reason);
  });

  it("does not let EXPLAIN ANALYZE of a write be EXPLAINed or read through a cursor", async () => {
    const [statement] = await classifySql("EXPLAIN ANALYZE DELETE FROM t");
    expect(statement).toMatchObject({ explainable: false, cursorable: false });
  });
});

describe("classifySql: DDL", () => {
  it.each([
    "CREATE TABLE t (id int)",
    "CREATE TABLE t2 AS SELECT * FROM t",
    "ALTER TABLE t ADD COLUMN b text",
    "DROP TABLE t",
    "DROP DATABASE prod",
    "TRUNCATE t",
    "GRANT SELECT ON t TO someone",
    "REVOKE ALL ON t FROM someone",
    "CREATE INDEX ON t (a)",
    "CREATE VIEW v AS SELECT 1",
    "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "ALTER TABLE t RENAME TO u",
    "COMMENT ON TABLE t IS 'x'",
    "CREATE ROLE r",
    "REFRESH MATERIALIZED VIEW mv",
    "VACUUM t",
    "CREATE EXTENSION IF NOT EXISTS pgcrypto",
  ])("%s", async (sql) => {
    expect(await classOf(sql)).toEqual(["ddl"]);
  });

  it("treats SELECT … INTO as DDL: it creates a table, like CREATE TABLE AS", async () => {
    const [statement] = await classifySql("SELECT * INTO new_table FROM t");
    expect(statement).toMatchObject({ class: "ddl", reason: "SELECT … INTO creates a table" });
  });

  it("treats EXPLAIN ANALYZE of DDL as DDL, and plain EXPLAIN of it as a read", async () => {
    expect(await classOf("EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1")).toEqual(["ddl"]);
    expect(await classOf("EXPLAIN CREATE TABLE x AS SELECT 1")).toEqual(["read"]);
  });
});

describe("classifySql: refused statements", () => {
  it.each([
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT s",
    "SET ROLE admin",
    "SET statement_timeout = 0",
    "RESET ALL",
    "DO $$ BEGIN DELETE FROM t; END $$",
    "LISTEN channel",
    "NOTIFY channel",
    "CALL proc()",
    "PREPARE p AS DELETE FROM t",
    "EXECUTE p",
    "DECLARE c CURSOR FOR SELECT 1",
    "LOCK TABLE t",
    "LOAD 'plugin'",
    "ALTER SYSTEM SET work_mem = '1GB'",
    "SELECT set_config('statement_timeout', '0', false)",
    "SELECT pg_catalog.set_config('role', 'admin', true)",
    "SELECT pg_terminate_backend(123)",
    "WITH x AS (SELECT set_config('a.b', 'c', true)) SELECT * FROM x",
  ])("%s", async (sql) => {
    const [statement] = await classifySql(sql);
    expect(statement?.class).toBe("other");
    expect(statement?.reason).toEqual(expect.any(String));
  });
});

describe("classifySql: functions that run SQL text, open connections or reach the server are refused by name", () => {
  it.each([
    ["SELECT dblink_exec('dbname=x', 'INSERT INTO t VALUES (1)')", "dblink_exec", /opens a connection/],
    ["SELECT * FROM dblink('dbname=x', 'SELECT 1') AS t(a int)", "dblink", /opens a connection/],
    ["SELECT dblink_connect('c', 'dbname=x')", "dblink_connect", /opens a connection/],
    ["SELECT pg_catalog.dblink_exec('x', 'CREATE TABLE t ()')", "dblink_exec", /opens a connection/],
    ["SELECT \"dblink_exec\"('x', 'DROP TABLE t')", "dblink_exec", /opens a connection/],
    ["SELECT public.\"DBLINK_EXEC\"('x', 'y')", "dblink_exec", /opens a connection/],
    [
      "SELECT query_to_xml('select pg_terminate_backend(1)', true, true, '')",
      "query_to_xml",
      /runs SQL text/,
    ],
    ["SELECT query_to_xmlschema('select 1', true, true, '')", "query_to_xmlschema", /runs SQL text/],
    [
      "SELECT query_to_xml_and_xmlschema('select 1', true, true, '')",
      "query_to_xml_and_xmlschema",
      /runs SQL text/,
    ],
    ["SELECT cursor_to_xml('c', 1, true, true, '')", "cursor_to_xml", /runs SQL text/],
    ["SELECT * FROM ts_stat('SELECT v FROM docs')", "ts_stat", /runs SQL text/],
    ["SELECT * FROM crosstab('SELECT 1, 2, 3') AS t(a int, b int)", "crosstab", /runs SQL text/],
    ["SELECT lo_export(16384, '/tmp/x')", "lo_export", /files or large objects/],
    ["SELECT lo_import('/etc/passwd')", "lo_import", /files or large objects/],
    ["SELECT loread(0, 10)", "loread", /files or large objects/],
    ["SELECT pg_read_file('/etc/passwd')", "pg_read_file", /files or large objects/],
    ["SELECT pg_catalog.pg_read_binary_file('postgresql.conf')", "pg_read_binary_file", /files/],
    ["SELECT * FROM pg_ls_dir('.')", "pg_ls_dir", /files/],
    ["SELECT * FROM pg_ls_waldir()", "pg_ls_waldir", /files/],
    ["SELECT pg_stat_file('postgresql.conf')", "pg_stat_file", /files/],
    ["SELECT pg_create_physical_replication_slot('s')", "pg_create_physical_replication_slot", /administers/],
    [
      "SELECT pg_create_logical_replication_slot('s', 'pgoutput')",
      "pg_create_logical_replication_slot",
      /administers/,
    ],
    ["SELECT pg_drop_replication_slot('s')", "pg_drop_replication_slot", /administers/],
    [
      "SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)",
      "pg_logical_slot_get_changes",
      /administers/,
    ],
    ["SELECT pg_terminate_backend(123)", "pg_terminate_backend", /administers/],
    ["SELECT pg_cancel_backend(123)", "pg_cancel_backend", /administers/],
    ["SELECT pg_reload_conf()", "pg_reload_conf", /administers/],
    ["SELECT pg_rotate_logfile()", "pg_rotate_logfile", /administers/],
    ["SELECT pg_advisory_lock(1)", "pg_advisory_lock", /advisory locks/],
    ["SELECT pg_try_advisory_xact_lock(1)", "pg_try_advisory_xact_lock", /advisory locks/],
    ["SELECT pg_sleep(1)", "pg_sleep", /holds a connection/],
    ["SELECT pg_sleep_for('1 minute')", "pg_sleep_for", /holds a connection/],
    ["SELECT set_config('role', 'admin', true)", "set_config", /guards/],
    // Wherever it hides: a CTE, a subquery, a write, DDL, EXPLAIN ANALYZE.
    ["WITH x AS (SELECT dblink_exec('a', 'b')) SELECT * FROM x", "dblink_exec", /connection/],
    ["SELECT (SELECT lo_export(1, '/tmp/x')) AS y", "lo_export", /files/],
    ["INSERT INTO t SELECT pg_read_file('/etc/passwd')", "pg_read_file", /files/],
    ["CREATE TABLE t AS SELECT dblink_exec('a', 'b')", "dblink_exec", /connection/],
    ["EXPLAIN ANALYZE SELECT query_to_xml('select 1', true, true, '')", "query_to_xml", /SQL text/],
  ])("%s", async (sql, name, why) => {
    const [statement] = await classifySql(sql);
    expect(statement?.class).toBe("other");
    expect(statement?.reason).toContain(`${name}()`);
    expect(statement?.reason).toMatch(why);
  });

  it.each([
    "SELECT table_to_xml('items', true, true, '')",
    "SELECT current_setting('statement_timeout')",
    "SELECT lower('LO_EXPORT'), 'dblink_exec(1)' AS text",
    "SELECT pg_backend_pid()",
    "SELECT * FROM pg_stat_activity",
  ])("allows a function that only reads: %s", async (sql) => {
    expect(await classOf(sql)).toEqual(["read"]);
  });

  it("refuses COPY … PROGRAM like every COPY", async () => {
    const [statement] = await classifySql("COPY (SELECT 1) TO PROGRAM 'curl evil'");
    expect(statement?.node).toBe("CopyStmt");
  });
});

describe("classifySql: statement boundaries", () => {
  it("splits several statements and keeps each one's own text", async () => {
    const statements = await classifySql("SELECT 1; DELETE FROM t WHERE a = 'x;y';\n-- done\nSELECT 2");
    expect(statements.map((s) => [s.class, s.text])).toEqual([
      ["read", "SELECT 1"],
      ["write", "DELETE FROM t WHERE a = 'x;y'"],
      ["read", "SELECT 2"],
    ]);
  });

  it("counts a semicolon inside a string, a comment or dollar quotes as text", async () => {
    expect(await classOf("SELECT 'a;b', \"c;d\" FROM t -- x; DELETE FROM t")).toEqual(["read"]);
    expect(await classOf("SELECT 1 /* ; DROP TABLE t; */")).toEqual(["read"]);
    expect(await classOf("SELECT $tag$ ; DROP TABLE t; $tag$")).toEqual(["read"]);
    expect(await classOf("SELECT E'it\\'s; DROP TABLE t'")).toEqual(["read"]);
  });

  it("sees a write hidden after a string that only looks unterminated", async () => {
    // With standard_conforming_strings (the default), a backslash does not escape the quote.
    expect(await classOf("SELECT 'a\\'; DELETE FROM t; --'")).toEqual(["read", "write"]);
  });

  it("ignores empty statements and a trailing semicolon", async () => {
    expect(await classOf("SELECT 1;")).toEqual(["read"]);
    expect(await classOf(";; SELECT 1 ;;")).toEqual(["read"]);
  });

  it("slices by bytes, so non-ASCII text before a statement does not shift the next one", async () => {
    const statements = await classifySql("SELECT 'héllo wörld ✓'; SELECT 2");
    expect(statements.map((s) => s.text)).toEqual(["SELECT 'héllo wörld ✓'", "SELECT 2"]);
  });

  it("reports the highest $n each statement uses", async () => {
    const statements = await classifySql("SELECT $1::int; SELECT $3::text, $2::int; SELECT 1");
    expect(statements.map((s) => s.maxParam)).toEqual([1, 3, 0]);
  });
});

describe("classifySql: errors", () => {
  it("refuses unparseable SQL with the parser's message and position, not retriable", async () => {
    const error = await failureOf("SELEC * FROM t");
    expect(error).toMatchObject({ code: "invalid_sql", retriable: false });
    expect(error.message).toMatch(/^config\.statement: syntax error at or near "SELEC" at position 0/);
  });

  it("hints at params when the statement looks like a template", async () => {
    const error = await failureOf("SELECT * FROM t WHERE id = {{ input.id }}");
    expect(error.message).toMatch(/not a template: pass values through params/);
  });

  it("refuses a statement that is only comments or semicolons", async () => {
    expect((await failureOf("-- nothing here")).message).toMatch(/contains no SQL statement/);
    expect((await failureOf(" ; ")).message).toMatch(/contains no SQL statement/);
  });
});

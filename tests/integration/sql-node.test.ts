import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";
import { postgresAvailability } from "../helpers/test-database";

type Run = {
  status: string;
  error: { code?: string; message: string; nodeId?: string } | null;
  steps: Array<{ nodeId: string; status: string; attempt: number; output: unknown }>;
};

/** A password trust auth ignores: there only to prove it never leaks. */
const PASSWORD = "Sw0rdfish-never-shown";

/**
 * The sql node end to end: real route handlers, the local engine, and a scratch database on the local
 * PostgreSQL that the node queries through a workspace credential.
 */
describe.runIf(postgresAvailability().available)("sql node against PostgreSQL", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  const name = `stepwise_test_sql_${randomBytes(6).toString("hex")}`;
  /** The least-privileged role the docs recommend: LOGIN, the scratch database's owner, nothing else. */
  const reader = `${name}_reader`;
  const adminUrl = inject("postgresAdminUrl");
  const urlAs = (user: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    url.username = user;
    url.password = PASSWORD;
    return url.toString();
  };
  /** The superuser, on the scratch database: the test's own setup and the probes' baseline. */
  const scratchUrl = urlAs(new URL(adminUrl).username || "postgres");
  const readerUrl = urlAs(reader);
  let scratch: pg.Client;
  const runIds: string[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create role ${reader} login`);
    await admin.query(`create database ${name} owner ${reader}`);
    await admin.end();
    scratch = new pg.Client({ connectionString: scratchUrl });
    await scratch.connect();
    // The probes need dblink; CI runs the same PostgreSQL packages, so a missing extension fails here.
    await scratch.query("create extension if not exists dblink");
    const owner = new pg.Client({ connectionString: readerUrl });
    await owner.connect();
    await owner.query(`
      create table items (id serial primary key, name text not null);
      insert into items (name) values ('apple'), ('banana'), ('cherry');
      create function add_item(item text) returns int language sql volatile
        as 'insert into items (name) values (item) returning id';
    `);
    await owner.end();
    for (const [credential, secret] of [
      ["scratch", readerUrl],
      ["superuser", scratchUrl],
      ["nowhere", `postgres://postgres:${PASSWORD}@127.0.0.1:1/${name}`],
    ]) {
      const created = await stack().api("POST", "/api/credentials", {
        name: credential,
        kind: "postgres",
        secret,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });

  afterAll(async () => {
    await scratch?.end();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`drop role if exists ${reader}`);
    await admin.end();
  });

  async function runSql(config: Record<string, unknown>, settings: Record<string, unknown> = { retries: 0 }) {
    const base = node("q", "sql", { credential: "scratch", ...config });
    const graph = { nodes: [{ ...base, data: { ...base.data, settings } }], edges: [] };
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "sql", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: {},
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack().engine.drain();
    runIds.push(started.body.runId);
    const run = (await stack().api<Run>("GET", `/api/runs/${started.body.runId}`)).body;
    const step = run.steps.find((s) => s.nodeId === "q");
    return {
      run,
      step,
      output: step?.output as Record<string, unknown> | undefined,
      runId: started.body.runId,
    };
  }

  async function eventsOf(runId: string) {
    const { getDb } = await import("@/server/db/client");
    const { listRunEvents } = await import("@/server/runs/queries");
    const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
    return listRunEvents(await getDb(), LOCAL_WORKSPACE_ID, runId);
  }

  async function itemNames() {
    return (await scratch.query("select name from items order by id")).rows.map((row) => row.name as string);
  }

  it("returns the rows, fields and count of a SELECT", async () => {
    const { run, output } = await runSql({
      statement: "SELECT id, name FROM items WHERE id <= 3 ORDER BY id",
    });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    expect(output).toEqual({
      kind: "read",
      rows: [
        { id: 1, name: "apple" },
        { id: 2, name: "banana" },
        { id: 3, name: "cherry" },
      ],
      rowCount: 3,
      fields: [
        { name: "id", dataTypeId: 23 },
        { name: "name", dataTypeId: 25 },
      ],
      statements: [{ command: "SELECT", rowCount: 3 }],
      truncated: false,
    });
  });

  it("caps rows at maxRows and says so", async () => {
    const { output } = await runSql({ statement: "SELECT g FROM generate_series(1, 50) g", maxRows: 2 });
    expect(output).toMatchObject({ kind: "read", rows: [{ g: 1 }, { g: 2 }], rowCount: 2, truncated: true });
  });

  it("refuses a write without allowWrites, once, and leaves the table alone", async () => {
    const before = await itemNames();
    const { run, step } = await runSql({ statement: "DELETE FROM items" }, {});
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ nodeId: "q", code: "sql_refused" });
    expect(run.error?.message).toMatch(/writes to the database; set allowWrites: true/);
    expect(step?.attempt).toBe(0); // not retried: another attempt cannot help
    expect(await itemNames()).toEqual(before);
  });

  it("dry-runs a write with allowWrites: returns the plan and changes nothing", async () => {
    const before = await itemNames();
    const { run, output } = await runSql({
      statement: "DELETE FROM items WHERE id > $1",
      params: ["1"],
      allowWrites: true,
    });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    expect(output).toMatchObject({ kind: "dry_run", rowCount: 0, truncated: false });
    const [entry] = (output?.plan ?? []) as Array<{ statement: string; class: string; plan: string[] }>;
    expect(entry).toMatchObject({ statement: "DELETE FROM items WHERE id > $1", class: "write" });
    expect(entry?.plan[0]).toMatch(/^Delete on items/);
    expect(await itemNames()).toEqual(before);
  });

  it("writes with allowWrites and dryRun: false, returning the count and RETURNING rows", async () => {
    const before = await itemNames();
    const { run, output } = await runSql({
      statement: "INSERT INTO items (name) VALUES ($1), ($2) RETURNING name",
      params: ["date", "elderberry"],
      allowWrites: true,
      dryRun: false,
    });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
    expect(output).toMatchObject({
      kind: "write",
      rowCount: 2,
      rows: [{ name: "date" }, { name: "elderberry" }],
      statements: [{ command: "INSERT", rowCount: 2 }],
    });
    expect(await itemNames()).toEqual([...before, "date", "elderberry"]);
  });

  it("refuses several statements unless allowMultipleStatements, then runs them in order", async () => {
    const refused = await runSql({ statement: "SELECT 1; SELECT 2" });
    expect(refused.run.error).toMatchObject({ code: "sql_refused" });
    expect(refused.run.error?.message).toMatch(/allowMultipleStatements/);

    const { output } = await runSql({
      statement: "SELECT count(*)::int AS n FROM items; SELECT 'last' AS which",
      allowMultipleStatements: true,
    });
    expect(output).toMatchObject({
      kind: "read",
      rows: [{ which: "last" }],
      statements: [
        { command: "SELECT", rowCount: 1 },
        { command: "SELECT", rowCount: 1 },
      ],
    });
  });

  it("refuses DDL without allowDdl, even with writes allowed", async () => {
    const { run } = await runSql({ statement: "DROP TABLE items", allowWrites: true, dryRun: false });
    expect(run.error).toMatchObject({ code: "sql_refused" });
    expect(run.error?.message).toMatch(/is DDL; set allowDdl: true/);
    expect((await scratch.query("select to_regclass('items') as t")).rows[0].t).toBe("items");
  });

  it("dry-runs DDL with allowDdl without running it, and runs it once confirmed", async () => {
    const ddl = { statement: "CREATE TABLE notes (body text)", allowWrites: true, allowDdl: true };
    const dry = await runSql(ddl);
    expect(dry.output).toMatchObject({ kind: "dry_run", plan: [{ class: "ddl", plan: null }] });
    expect((await scratch.query("select to_regclass('notes') as t")).rows[0].t).toBeNull();

    const done = await runSql({ ...ddl, dryRun: false });
    expect(done.output).toMatchObject({ kind: "write", statements: [{ command: "CREATE" }] });
    expect((await scratch.query("select to_regclass('notes') as t")).rows[0].t).toBe("notes");
  });

  it("stops a statement at timeoutMs and reports a retriable timeout", async () => {
    const started = Date.now();
    const { run, runId } = await runSql({
      statement: "SELECT count(*) FROM generate_series(1, 10000000000)",
      timeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ code: "timeout" });
    expect(run.error?.message).toMatch(/timed out after 200 ms \(config\.timeoutMs\)/);
    const failed = (await eventsOf(runId)).find((event) => event.type === "step.failed");
    expect(failed?.data).toMatchObject({ error: { code: "timeout", retriable: true } });
  });

  it("binds params as data: an injection attempt is just a string", async () => {
    const attack = "x'); DROP TABLE items; --";
    const read = await runSql({
      statement: "SELECT $1::text AS value, (SELECT count(*)::int FROM items WHERE name = $1) AS matches",
      params: [attack],
    });
    expect(read.output).toMatchObject({ kind: "read", rows: [{ value: attack, matches: 0 }] });

    const write = await runSql({
      statement: "INSERT INTO items (name) VALUES ($1) RETURNING name",
      params: [attack],
      allowWrites: true,
      dryRun: false,
    });
    expect(write.output).toMatchObject({ rows: [{ name: attack }] });
    expect((await itemNames()).at(-1)).toBe(attack);
  });

  it("makes the server read strings as the parser did, even where the database says otherwise", async () => {
    // With standard_conforming_strings off, the server would read `'a\' AS c, '` as one string, and the
    // DELETE that the parser saw inside a string literal as code.
    await scratch.query(`alter database ${name} set standard_conforming_strings = off`);
    try {
      const before = await itemNames();
      const { output } = await runSql({
        statement: "SELECT 'a\\' AS c, ' ; DELETE FROM items; SELECT ' AS d",
      });
      expect(output).toMatchObject({
        kind: "read",
        rows: [{ c: "a\\", d: " ; DELETE FROM items; SELECT " }],
      });
      expect(await itemNames()).toEqual(before);
    } finally {
      await scratch.query(`alter database ${name} reset standard_conforming_strings`);
    }
  });

  it("cannot write through a function in a read: the READ ONLY transaction refuses", async () => {
    const before = await itemNames();
    const { run } = await runSql({ statement: "SELECT add_item('sneaky')" });
    expect(run.error).toMatchObject({ code: "sql_read_only" });
    expect(run.error?.message).toMatch(/read-only transaction.*set allowWrites: true and dryRun: false/);
    expect(await itemNames()).toEqual(before);

    const sequence = await runSql({ statement: "SELECT nextval('items_id_seq')" });
    expect(sequence.run.error).toMatchObject({ code: "sql_read_only" });
  });

  it("fails a SQL error once, with the server's message", async () => {
    const { run, step } = await runSql({ statement: "SELECT * FROM no_such_table" }, {});
    expect(run.error).toMatchObject({ code: "sql_error" });
    expect(run.error?.message).toMatch(/42P01: relation "no_such_table" does not exist/);
    expect(step?.attempt).toBe(0);
  });

  it("names the credential when it does not exist, and retries an unreachable database", async () => {
    const missing = await runSql({ credential: "nope", statement: "SELECT 1" }, {});
    expect(missing.run.error).toMatchObject({ code: "sql_credential" });
    expect(missing.run.error?.message).toMatch(/^config\.credential: No credential named "nope"/);

    const down = await runSql({ credential: "nowhere", statement: "SELECT 1" }, { retries: 1 });
    expect(down.run.error).toMatchObject({ code: "sql_connection" });
    expect(down.step?.attempt).toBe(1);
  });

  it("never shows the connection URL or its password in outputs, events or run answers", async () => {
    expect(runIds.length).toBeGreaterThan(10);
    for (const runId of runIds) {
      const answer = JSON.stringify((await stack().api("GET", `/api/runs/${runId}`)).body);
      const events = JSON.stringify(await eventsOf(runId));
      for (const text of [answer, events]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(scratchUrl);
        expect(text).not.toContain(readerUrl);
      }
    }
    const listed = JSON.stringify((await stack().api("GET", "/api/credentials")).body);
    expect(listed).not.toContain(PASSWORD);
  });
});

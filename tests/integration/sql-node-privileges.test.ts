import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { node } from "../fixtures/graphs";
import { useStack } from "../helpers/stack";
import { postgresAvailability } from "../helpers/test-database";

type Run = {
  status: string;
  error: { code?: string; message: string; nodeId?: string } | null;
  steps: Array<{ nodeId: string; status: string; attempt: number; output: unknown }>;
};

/**
 * The sql node's privileges, against the machine's PostgreSQL with dblink installed: what a parser
 * cannot see (SQL text inside functions, other sessions, the server's files) is held by refusing
 * privileged roles at connect and dangerous functions by name; rows are bounded in bytes while they
 * are read; param values never reach an error or a log line.
 */
describe.runIf(postgresAvailability().available)("sql node privileges against PostgreSQL", () => {
  const stack = useStack({ driver: "pglite", mode: "checkpoint" });
  const name = `stepwise_test_sqlpriv_${randomBytes(6).toString("hex")}`;
  const reader = `${name}_reader`;
  const slot = `${name}_slot`;
  const exported = `/tmp/${name}_lo_export`;
  const adminUrl = inject("postgresAdminUrl");
  const superuser = new URL(adminUrl).username || "postgres";
  const urlAs = (user: string) => {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    url.username = user;
    return url.toString();
  };
  const superUrl = urlAs(superuser);
  const readerUrl = urlAs(reader);
  /** What dblink itself connects with: the superuser, no password needed on this machine. */
  const dblinkTarget = (() => {
    const url = new URL(adminUrl);
    return `host=${url.hostname} port=${url.port || 5432} dbname=${name} user=${superuser}`;
  })();
  let admin: pg.Client;

  beforeAll(async () => {
    const root = new pg.Client({ connectionString: adminUrl });
    await root.connect();
    await root.query(`create role ${reader} login`);
    await root.query(`create database ${name} owner ${reader}`);
    await root.end();
    admin = new pg.Client({ connectionString: superUrl });
    await admin.connect();
    // CI runs the same PostgreSQL packages: a missing dblink fails the suite here, it never skips.
    await admin.query("create extension if not exists dblink");
    await admin.query(`
      create table items (id serial primary key, name text not null check (length(name) < 16));
      insert into items (name) values ('apple'), ('banana');
      alter table items owner to ${reader};
      -- What no parser can see: a function whose body opens its own writable session.
      create function sneaky() returns text language sql
        as $$ select dblink_exec('${dblinkTarget}', 'insert into items (name) values (''sneaked'')') $$;
    `);
    for (const [credential, secret] of [
      ["reader", readerUrl],
      ["superuser", superUrl],
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
    await admin
      ?.query("select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1", [
        slot,
      ])
      .catch(() => undefined);
    await admin?.end();
    const root = new pg.Client({ connectionString: adminUrl });
    await root.connect();
    await root.query(`drop database if exists ${name} with (force)`);
    await root.query(`drop role if exists ${reader}`);
    await root.end();
  });

  async function runSql(config: Record<string, unknown>) {
    const base = node("q", "sql", config);
    const graph = { nodes: [{ ...base, data: { ...base.data, settings: { retries: 0 } } }], edges: [] };
    const created = await stack().api<{ id: string }>("POST", "/api/workflows", { name: "sql", graph });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const started = await stack().api<{ runId: string }>("POST", `/api/workflows/${created.body.id}/runs`, {
      input: {},
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    await stack().engine.drain();
    const run = (await stack().api<Run>("GET", `/api/runs/${started.body.runId}`)).body;
    return { run, step: run.steps.find((s) => s.nodeId === "q"), runId: started.body.runId };
  }

  async function itemNames() {
    return (await admin.query("select name from items order by id")).rows.map((row) => row.name as string);
  }

  async function tableExists(table: string) {
    return (await admin.query("select to_regclass($1) as t", [table])).rows[0].t !== null;
  }

  it("the probes are real: dblink run directly commits a row and creates a table", async () => {
    await admin.query(`select dblink_exec($1, 'insert into items (name) values (''direct'')')`, [
      dblinkTarget,
    ]);
    await admin.query(`select dblink_exec($1, 'create table probe_direct (a int)')`, [dblinkTarget]);
    expect(await itemNames()).toContain("direct");
    expect(await tableExists("probe_direct")).toBe(true);
    await admin.query("delete from items where name = 'direct'; drop table probe_direct");
  });

  it.each([
    [
      "superuser",
      "SELECT dblink_exec($1, 'INSERT INTO items (name) VALUES (''via-dblink'')')",
      "dblink_exec",
    ],
    ["superuser", "SELECT dblink_exec($1, 'CREATE TABLE probe_created (a int)')", "dblink_exec"],
    ["superuser", "SELECT * FROM dblink($1, 'SELECT 1') AS t(a int)", "dblink"],
    [
      "reader",
      "SELECT pg_catalog.dblink_exec($1, 'INSERT INTO items (name) VALUES (''via-dblink'')')",
      "dblink_exec",
    ],
  ])("refuses dblink by name (%s): %s", async (credential, statement, fn) => {
    const before = await itemNames();
    const { run, step } = await runSql({ credential, statement, params: [dblinkTarget] });
    expect(run.error).toMatchObject({ code: "sql_refused" });
    expect(run.error?.message).toContain(`${fn}() opens a connection of its own`);
    expect(step?.attempt).toBe(0);
    expect(await itemNames()).toEqual(before);
    expect(await tableExists("probe_created")).toBe(false);
  });

  it("refuses query_to_xml, which would run SQL the parser never saw, with a limited role", async () => {
    const { run } = await runSql({
      credential: "reader",
      statement: "SELECT query_to_xml('select pg_terminate_backend(pg_backend_pid())', true, true, '')",
    });
    expect(run.error).toMatchObject({ code: "sql_refused" });
    expect(run.error?.message).toMatch(/query_to_xml\(\) runs SQL text/);
  });

  it("refuses a superuser's file and replication 'reads'", async () => {
    const probes = [
      `SELECT lo_export(lo_from_bytea(0, 'owned'), '${exported}')`,
      `SELECT pg_create_physical_replication_slot('${slot}')`,
      "SELECT pg_read_file('postgresql.conf')",
      "SELECT * FROM pg_ls_dir('.')",
    ];
    for (const statement of probes) {
      const { run } = await runSql({ credential: "superuser", statement });
      expect(run.error?.code, statement).toBe("sql_refused");
    }
    expect(existsSync(exported)).toBe(false);
    const slots = await admin.query("select 1 from pg_replication_slots where slot_name = $1", [slot]);
    expect(slots.rowCount).toBe(0);
  });

  it("refuses a superuser credential at connect, even for a statement the parser cannot fault", async () => {
    const before = await itemNames();
    for (const statement of ["SELECT 1", "SELECT sneaky()"]) {
      const { run, step } = await runSql({ credential: "superuser", statement });
      expect(run.error).toMatchObject({ code: "sql_privileged_role" });
      expect(run.error?.message).toMatch(/role is a superuser.*SQL_NODE_ALLOW_PRIVILEGED_ROLES/);
      expect(run.error?.message).not.toContain(superUrl);
      expect(step?.attempt).toBe(0);
    }
    expect(await itemNames()).toEqual(before);
  });

  it("lets a limited role read, and its own session cannot run dblink without a password", async () => {
    const read = await runSql({ credential: "reader", statement: "SELECT name FROM items ORDER BY id" });
    expect(read.run.status, JSON.stringify(read.run.error)).toBe("succeeded");
    const before = await itemNames();
    const sneaky = await runSql({ credential: "reader", statement: "SELECT sneaky()" });
    expect(sneaky.run.status).toBe("failed");
    expect(await itemNames()).toEqual(before);
  });

  it.each([
    [
      `grant pg_read_server_files to ${reader}`,
      `revoke pg_read_server_files from ${reader}`,
      /member of pg_read_server_files/,
    ],
    [
      `grant pg_write_server_files to ${reader}`,
      `revoke pg_write_server_files from ${reader}`,
      /member of pg_write_server_files/,
    ],
    [
      `grant pg_execute_server_program to ${reader}`,
      `revoke pg_execute_server_program from ${reader}`,
      /member of pg_execute_server_program/,
    ],
    [`alter role ${reader} replication`, `alter role ${reader} noreplication`, /has REPLICATION/],
    [`alter role ${reader} bypassrls`, `alter role ${reader} nobypassrls`, /has BYPASSRLS/],
    [`grant ${superuser} to ${reader}`, `revoke ${superuser} from ${reader}`, /is a superuser/],
  ])("refuses a role once it holds more: %s", async (grant, revoke, reason) => {
    await admin.query(grant);
    try {
      const { run } = await runSql({ credential: "reader", statement: "SELECT 1 AS one" });
      expect(run.error).toMatchObject({ code: "sql_privileged_role" });
      expect(run.error?.message).toMatch(reason);
    } finally {
      await admin.query(revoke);
    }
    const { run } = await runSql({ credential: "reader", statement: "SELECT 1 AS one" });
    expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  });

  it("lifts the role check only with the operator's override", async () => {
    const { assertRoleUnprivileged } = await import("@/server/sql/check-sql-role");
    const client = new pg.Client({ connectionString: superUrl });
    await client.connect();
    try {
      await expect(assertRoleUnprivileged(client, false)).rejects.toMatchObject({
        code: "sql_privileged_role",
      });
      await expect(assertRoleUnprivileged(client, true)).resolves.toBeUndefined();
    } finally {
      await client.end();
    }
  });

  it("stops reading rows once they pass the byte limit, before the rest leave the server", async () => {
    const { classifySql } = await import("@/server/sql/classify-sql");
    const { runSql: run } = await import("@/server/sql/run-sql");
    const client = new pg.Client({ connectionString: readerUrl });
    await client.connect();
    const megabytes = 3;
    const base = { params: [], timeoutMs: 20_000, maxRows: 100, maxBytes: 1024 * 1024 };
    try {
      const read = await run(client, {
        ...base,
        mode: "read",
        statements: await classifySql(
          `SELECT repeat('x', ${megabytes} * 1024 * 1024) AS blob FROM generate_series(1, 5)`,
        ),
      }).catch((error: unknown) => error);
      expect(read).toMatchObject({ code: "output_too_large", retriable: false, details: { rowsRead: 1 } });

      // A locking read goes through a cursor too.
      const locked = await run(client, {
        ...base,
        mode: "write",
        statements: await classifySql(
          `SELECT repeat('x', ${megabytes} * 1024 * 1024) AS blob FROM items FOR UPDATE`,
        ),
      }).catch((error: unknown) => error);
      expect(locked).toMatchObject({ code: "output_too_large", retriable: false, details: { rowsRead: 1 } });

      const small = await run(client, {
        ...base,
        mode: "read",
        maxRows: 3,
        statements: await classifySql("SELECT g FROM generate_series(1, 10) g"),
      });
      expect(small).toMatchObject({ rows: [{ g: 1 }, { g: 2 }, { g: 3 }], rowCount: 3, truncated: true });
    } finally {
      await client.end();
    }
  });

  it("refuses an oversized read through the node at the stored-output limit", async () => {
    const { run } = await runSql({
      credential: "reader",
      statement: "SELECT repeat('x', 5 * 1024 * 1024) AS blob FROM generate_series(1, 5)",
      timeoutMs: 30_000,
    });
    expect(run.error).toMatchObject({ code: "output_too_large" });
  });

  it("keeps param values out of run errors, events and log lines", async () => {
    const secret = "sk_live_7Hq2Zp9Lm4Xv";
    const { logger } = await import("@/lib/logger");
    const lines: string[] = [];
    /** Errors keep their message, stack and own fields (pg's detail, where, …) in the captured line. */
    const serialize = (_key: string, value: unknown) =>
      value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value;
    const capture =
      (level: string) =>
      (...args: unknown[]) => {
        lines.push(`${level} ${JSON.stringify(args, serialize)}`);
      };
    const spies = [
      ...(["trace", "debug", "info", "warn", "error", "fatal"] as const).map((level) =>
        vi.spyOn(logger, level).mockImplementation(capture(level) as never),
      ),
      ...(["log", "info", "warn", "error"] as const).map((level) =>
        vi.spyOn(console, level).mockImplementation(capture(`console.${level}`)),
      ),
    ];
    try {
      const cast = await runSql({ credential: "reader", statement: "SELECT $1::int AS n", params: [secret] });
      expect(cast.run.error).toMatchObject({ code: "sql_error" });
      expect(cast.run.error?.message).toMatch(/22P02: invalid input syntax for type integer: "\[param\]"/);
      const duplicate = await runSql({
        credential: "reader",
        // Refused by the check constraint; the server's detail quotes the failing row.
        statement: "INSERT INTO items (name) VALUES ($1)",
        params: [secret],
        allowWrites: true,
        dryRun: false,
      });
      expect(duplicate.run.error).toMatchObject({ code: "sql_error" });
      expect(duplicate.run.error?.message).toMatch(/23514.*Failing row contains \(\d+, \[param\]\)/);
      const { getDb } = await import("@/server/db/client");
      const { listRunEvents } = await import("@/server/runs/queries");
      const { LOCAL_WORKSPACE_ID } = await import("@/server/workspaces/ensure-local-workspace");
      for (const { runId } of [cast, duplicate]) {
        const answer = JSON.stringify((await stack().api("GET", `/api/runs/${runId}`)).body);
        const events = JSON.stringify(await listRunEvents(await getDb(), LOCAL_WORKSPACE_ID, runId));
        expect(answer).not.toContain(secret);
        expect(events).not.toContain(secret);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.join("\n")).not.toContain(secret);
  });
});

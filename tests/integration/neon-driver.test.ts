import { randomBytes } from "node:crypto";
import { neonConfig } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { type NeonWsProxy, startNeonWsProxy } from "../helpers/neon-ws-proxy";
import { createTestDatabase, postgresAvailability, type TestDatabase } from "../helpers/test-database";

/**
 * The production driver (@neondatabase/serverless over WebSocket) against the local
 * PostgreSQL through a ws→tcp proxy, so the Neon branches of client.ts and
 * migrate.ts run in CI rather than first in production.
 */

const GRAPH = {
  nodes: [{ id: "hello", type: "text", position: { x: 0, y: 0 }, data: { config: { template: "hi" } } }],
  edges: [],
};

type App = {
  client: typeof import("@/server/db/client");
  drivers: typeof import("@/server/db/drivers");
  env: typeof import("@/lib/env");
  migrate: typeof import("@/server/db/migrate");
  schema: typeof import("@/server/db/schema");
  createWorkflow: typeof import("@/server/workflows/create-workflow").createWorkflow;
  newId: typeof import("@/lib/ids").newId;
};

describe.runIf(postgresAvailability().available)("Neon driver over a local WebSocket proxy", () => {
  const savedEnv = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_DRIVER: process.env.DATABASE_DRIVER };
  let proxy: NeonWsProxy | undefined;
  let database: TestDatabase | undefined;
  let app: App;

  beforeAll(async () => {
    proxy = await startNeonWsProxy();
    // neonConfig is process-wide, so the app's own Pool picks these up. Locally there
    // is no TLS, and pipelineConnect would push a password before trust auth asks for none.
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.wsProxy = proxy.wsProxy;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;

    database = await createTestDatabase("postgres");
    // Before the first app import: getEnv() parses process.env once and caches it.
    process.env.DATABASE_URL = database.url;
    process.env.DATABASE_DRIVER = "neon";
    app = {
      client: await import("@/server/db/client"),
      drivers: await import("@/server/db/drivers"),
      env: await import("@/lib/env"),
      migrate: await import("@/server/db/migrate"),
      schema: await import("@/server/db/schema"),
      createWorkflow: (await import("@/server/workflows/create-workflow")).createWorkflow,
      newId: (await import("@/lib/ids")).newId,
    };
  });

  afterAll(async () => {
    // Each step runs even if an earlier one fails, so no database or port outlives the file.
    try {
      await app?.client.closeDb();
    } finally {
      try {
        await proxy?.close();
      } finally {
        await database?.drop();
      }
    }
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  async function insertWorkspace(db: Parameters<App["createWorkflow"]>[0]): Promise<string> {
    const id = app.newId("workspace");
    await db.insert(app.schema.workspaces).values({ id, name: "neon", kind: "local", externalId: id });
    return id;
  }

  it("chooses the neon driver and connects through the proxy", async () => {
    expect(app.drivers.chooseDriver(app.env.getEnv())).toEqual({ driver: "neon", url: database?.url });
    const connection = await app.client.getConnection();
    expect(connection.driver).toBe("neon");
    // The Database type erases the driver's result shape; the neon Pool returns pg's `{ rows }`.
    const result = await connection.db.execute("select current_database() as db");
    expect(result).toMatchObject({ rows: [{ db: new URL(database?.url ?? "").pathname.slice(1) }] });
    expect(proxy?.connectionCount()).toBeGreaterThan(0);
  });

  it("commits a transaction that creates a workspace and a workflow", async () => {
    const db = await app.client.getDb();
    const { workspaceId, workflowId } = await db.transaction(async (tx) => {
      const workspaceId = await insertWorkspace(tx);
      // createWorkflow opens its own transaction: a savepoint inside this one.
      const workflow = await app.createWorkflow(tx, {
        workspaceId,
        body: { name: "over neon", description: "", tags: [], graph: GRAPH, inputSchema: null },
      });
      return { workspaceId, workflowId: workflow.id };
    });

    const { workflows, workflowVersions } = app.schema;
    const [stored] = await db.select().from(workflows).where(eq(workflows.id, workflowId));
    expect(stored).toMatchObject({ workspaceId, name: "over neon", currentVersion: 1 });
    const versions = await db
      .select()
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, workflowId));
    expect(versions.map((v) => v.version)).toEqual([1]);
  });

  it("rolls back a transaction that throws", async () => {
    const db = await app.client.getDb();
    let workspaceId = "";
    await expect(
      db.transaction(async (tx) => {
        workspaceId = await insertWorkspace(tx);
        await app.createWorkflow(tx, {
          workspaceId,
          body: { name: "doomed", description: "", tags: [], graph: GRAPH, inputSchema: null },
        });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");

    const { workspaces, workflows } = app.schema;
    expect(workspaceId).not.toBe("");
    expect(await db.select().from(workspaces).where(eq(workspaces.id, workspaceId))).toEqual([]);
    expect(await db.select().from(workflows).where(eq(workflows.workspaceId, workspaceId))).toEqual([]);
  });

  it("migrates an empty database over the neon driver", async () => {
    const adminUrl = inject("postgresAdminUrl");
    const name = `stepwise_test_neon_${randomBytes(6).toString("hex")}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
      await app.migrate.migrateDatabase(url.toString(), "neon");
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      try {
        const result = await check.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public' order by 1",
        );
        expect(result.rows.map((r) => r.table_name)).toEqual(
          expect.arrayContaining([
            "runs",
            "run_events",
            "run_steps",
            "workflow_versions",
            "workflows",
            "workspaces",
          ]),
        );
        // The migrator's journal is written too, so a later `db:migrate` is a no-op.
        const journal = await check.query("select 1 from drizzle.__drizzle_migrations");
        expect(journal.rowCount).toBeGreaterThan(0);
      } finally {
        await check.end();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});

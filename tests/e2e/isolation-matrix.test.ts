import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { API_KEY_SCOPES } from "@/contracts/access-kinds";
import { generateApiKeySecret } from "@/server/api-keys/api-key-secret";
import { edge, node } from "../fixtures/graphs";
import { createClerkTestKeys } from "../helpers/clerk-tokens";
import { AUTHORIZED_PARTIES, type CallOptions, useNextApp } from "../helpers/next-app";
import { postgresAvailability } from "../helpers/test-database";

/**
 * Every session and /api/v1 endpoint against every way a caller can be the
 * wrong one: no credentials, another workspace's credentials, and for API keys
 * a malformed, revoked, expired or under-scoped key. Each call must get its
 * status (401 / 403 / 404) and change nothing in the victim's workspace.
 * PostgreSQL backs the app so this process can plant an expired key directly.
 */

const clerk = await createClerkTestKeys();
const AZP = AUTHORIZED_PARTIES[0];
const ALL_SCOPES = [...API_KEY_SCOPES];

type Ids = {
  workflowId: string;
  runId: string;
  keyId: string;
  credentialId: string;
  webhookId: string;
  deliveryId: string;
  scheduleId: string;
};
type Endpoint = {
  method: string;
  /** Path with `:workflowId`, `:runId`, `:keyId`, `:nodeId`, `:webhookId`, `:deliveryId`, `:scheduleId` naming the victim's resources. */
  route: string;
  body?: unknown;
  /** Addresses one of the victim's resources (so another workspace gets 404), rather than a collection. */
  targetsVictim: boolean;
};

const graph = {
  nodes: [node("wait", "delay", { duration: "1h" }), node("after", "text", { template: "done" })],
  edges: [edge("wait", "after")],
};

const SESSION_ENDPOINTS: Endpoint[] = [
  { method: "GET", route: "/api/workflows", targetsVictim: false },
  { method: "POST", route: "/api/workflows", body: { name: "intruder", graph }, targetsVictim: false },
  { method: "GET", route: "/api/workflows/:workflowId", targetsVictim: true },
  { method: "PUT", route: "/api/workflows/:workflowId", body: { name: "pwned", graph }, targetsVictim: true },
  { method: "DELETE", route: "/api/workflows/:workflowId", targetsVictim: true },
  { method: "GET", route: "/api/workflows/:workflowId/draft", targetsVictim: true },
  {
    method: "PUT",
    route: "/api/workflows/:workflowId/draft",
    body: { name: "pwned", graph },
    targetsVictim: true,
  },
  { method: "DELETE", route: "/api/workflows/:workflowId/draft", targetsVictim: true },
  { method: "POST", route: "/api/workflows/:workflowId/publish", targetsVictim: true },
  {
    method: "POST",
    route: "/api/workflows/:workflowId/publish",
    body: { force: true },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/workflows/:workflowId/versions", targetsVictim: true },
  { method: "GET", route: "/api/workflows/:workflowId/versions/:version", targetsVictim: true },
  { method: "POST", route: "/api/workflows/:workflowId/versions/:version/restore", targetsVictim: true },
  { method: "POST", route: "/api/workflows/:workflowId/duplicate", targetsVictim: true },
  { method: "GET", route: "/api/workflows/:workflowId/export", targetsVictim: true },
  {
    method: "POST",
    route: "/api/workflows/import",
    body: { format: "stepwise.workflow", formatVersion: 1, name: "intruder", graph },
    targetsVictim: false,
  },
  { method: "POST", route: "/api/workflows/:workflowId/runs", body: { input: {} }, targetsVictim: true },
  { method: "GET", route: "/api/runs", targetsVictim: false },
  { method: "GET", route: "/api/runs/:runId", targetsVictim: true },
  { method: "GET", route: "/api/runs/:runId/events", targetsVictim: true },
  { method: "POST", route: "/api/runs/:runId/cancel", targetsVictim: true },
  { method: "PUT", route: "/api/runs/:runId/pin", targetsVictim: true },
  { method: "DELETE", route: "/api/runs/:runId/pin", targetsVictim: true },
  {
    method: "POST",
    route: "/api/runs/:runId/approvals/:nodeId",
    body: { decision: "approve" },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/runs/:runId/diff", targetsVictim: true },
  { method: "GET", route: "/api/runs/:runId/stream", targetsVictim: true },
  { method: "POST", route: "/api/runs/:runId/realtime-token", targetsVictim: true },
  { method: "GET", route: "/api/api-keys", targetsVictim: false },
  {
    method: "POST",
    route: "/api/api-keys",
    body: { name: "intruder", scopes: ["runs:read"] },
    targetsVictim: false,
  },
  { method: "DELETE", route: "/api/api-keys/:keyId", targetsVictim: true },
  { method: "GET", route: "/api/credentials", targetsVictim: false },
  {
    method: "POST",
    route: "/api/credentials",
    body: { name: "intruder", kind: "openai", secret: "sk-intruder" },
    targetsVictim: false,
  },
  {
    method: "PATCH",
    route: "/api/credentials/:credentialId",
    body: { secret: "sk-intruder" },
    targetsVictim: true,
  },
  { method: "DELETE", route: "/api/credentials/:credentialId", targetsVictim: true },
  { method: "GET", route: "/api/workflows/:workflowId/webhooks", targetsVictim: true },
  {
    method: "POST",
    route: "/api/workflows/:workflowId/webhooks",
    body: { name: "intruder" },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/workflows/:workflowId/webhooks/:webhookId", targetsVictim: true },
  {
    method: "PATCH",
    route: "/api/workflows/:workflowId/webhooks/:webhookId",
    body: { enabled: false },
    targetsVictim: true,
  },
  { method: "DELETE", route: "/api/workflows/:workflowId/webhooks/:webhookId", targetsVictim: true },
  { method: "POST", route: "/api/workflows/:workflowId/webhooks/:webhookId/rotate", targetsVictim: true },
  { method: "GET", route: "/api/workflows/:workflowId/webhooks/:webhookId/deliveries", targetsVictim: true },
  {
    method: "POST",
    route: "/api/workflows/:workflowId/webhooks/:webhookId/deliveries/:deliveryId/replay",
    targetsVictim: true,
  },
  { method: "GET", route: "/api/workflows/:workflowId/schedules", targetsVictim: true },
  {
    method: "POST",
    route: "/api/workflows/:workflowId/schedules",
    body: { cron: "* * * * *" },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/schedules/:scheduleId", targetsVictim: true },
  { method: "PATCH", route: "/api/schedules/:scheduleId", body: { enabled: false }, targetsVictim: true },
  { method: "DELETE", route: "/api/schedules/:scheduleId", targetsVictim: true },
];

const V1_ENDPOINTS: Array<Endpoint & { scope: string }> = [
  { method: "GET", route: "/api/v1/workflows", scope: "workflows:read", targetsVictim: false },
  {
    method: "POST",
    route: "/api/v1/workflows",
    scope: "workflows:write",
    body: { name: "x", graph },
    targetsVictim: false,
  },
  { method: "GET", route: "/api/v1/workflows/:workflowId", scope: "workflows:read", targetsVictim: true },
  {
    method: "PUT",
    route: "/api/v1/workflows/:workflowId",
    scope: "workflows:write",
    body: { graph },
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/runs",
    scope: "runs:write",
    body: { input: {} },
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/nodes/:nodeId/run",
    scope: "runs:write",
    body: { input: {} },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/v1/runs", scope: "runs:read", targetsVictim: false },
  { method: "GET", route: "/api/v1/runs/:runId", scope: "runs:read", targetsVictim: true },
  { method: "GET", route: "/api/v1/runs/:runId/stream", scope: "runs:read", targetsVictim: true },
  { method: "POST", route: "/api/v1/runs/:runId/cancel", scope: "runs:write", targetsVictim: true },
  {
    method: "GET",
    route: "/api/v1/workflows/:workflowId/webhooks",
    scope: "webhooks:read",
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/webhooks",
    scope: "webhooks:write",
    body: { name: "intruder" },
    targetsVictim: true,
  },
  {
    method: "GET",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId",
    scope: "webhooks:read",
    targetsVictim: true,
  },
  {
    method: "PATCH",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId",
    scope: "webhooks:write",
    body: { enabled: false },
    targetsVictim: true,
  },
  {
    method: "DELETE",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId",
    scope: "webhooks:write",
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId/rotate",
    scope: "webhooks:write",
    targetsVictim: true,
  },
  {
    method: "GET",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId/deliveries",
    scope: "webhooks:read",
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/webhooks/:webhookId/deliveries/:deliveryId/replay",
    scope: "webhooks:write",
    targetsVictim: true,
  },
  {
    method: "GET",
    route: "/api/v1/workflows/:workflowId/schedules",
    scope: "schedules:read",
    targetsVictim: true,
  },
  {
    method: "POST",
    route: "/api/v1/workflows/:workflowId/schedules",
    scope: "schedules:write",
    body: { cron: "* * * * *" },
    targetsVictim: true,
  },
  { method: "GET", route: "/api/v1/schedules/:scheduleId", scope: "schedules:read", targetsVictim: true },
  {
    method: "PATCH",
    route: "/api/v1/schedules/:scheduleId",
    scope: "schedules:write",
    body: { enabled: false },
    targetsVictim: true,
  },
  {
    method: "DELETE",
    route: "/api/v1/schedules/:scheduleId",
    scope: "schedules:write",
    targetsVictim: true,
  },
];

/**
 * Routes that are deliberately public or not tenant data. Signed approval links authenticate by
 * their HMAC signature, not a session or key (tests/integration/approval-node.test.ts covers them),
 * and so do webhook deliveries (tests/integration/webhooks.test.ts);
 * cron routes by CRON_SECRET alone (tests/integration/reconcile.test.ts and
 * tests/integration/schedules-suite.ts cover them).
 */
const EXEMPT = new Set([
  "/api/inngest",
  "/api/health",
  "/api/health/ready",
  "/api/v1/openapi.json",
  "/api/[...path]",
  "/api/approvals/[token]",
  "/api/webhooks/[webhookId]",
  "/api/cron/reconcile",
  "/api/cron/retention",
  "/api/cron/schedules",
]);

const fill = (route: string, ids: Ids) =>
  route
    .replace(":workflowId", ids.workflowId)
    .replace(":runId", ids.runId)
    .replace(":keyId", ids.keyId)
    .replace(":credentialId", ids.credentialId)
    .replace(":webhookId", ids.webhookId)
    .replace(":deliveryId", ids.deliveryId)
    .replace(":scheduleId", ids.scheduleId)
    .replace(":nodeId", "after")
    .replace(":version", "1");

describe.runIf(postgresAvailability().available)("workspace isolation matrix", () => {
  const app = useNextApp({ clerk, driver: "postgres" });
  const victim = {
    user: "user_victim",
    ids: {
      workflowId: "",
      runId: "",
      keyId: "",
      credentialId: "",
      webhookId: "",
      deliveryId: "",
      scheduleId: "",
    } as Ids,
    key: "",
  };
  const intruder = { user: "user_intruder", key: "", narrowKey: "", revokedKey: "", expiredKey: "" };
  const session = (userId: string) => clerk.mintSessionToken({ userId, azp: AZP });

  async function call(endpoint: Endpoint, auth: CallOptions) {
    return app().call(endpoint.method, fill(endpoint.route, victim.ids), { ...auth, body: endpoint.body });
  }

  async function createKey(userId: string, scopes: string[]) {
    const created = await app().call<{ id: string; secret: string }>("POST", "/api/api-keys", {
      bearer: await session(userId),
      body: { name: `key of ${userId}`, scopes },
    });
    expect(created.status, created.text).toBe(201);
    return created.body;
  }

  /** Everything of the victim's that an intruder could try to change, read with the victim's own rights. */
  async function victimState() {
    const bearer = await session(victim.user);
    const workflow = await app().call("GET", `/api/workflows/${victim.ids.workflowId}`, { bearer });
    const run = await app().call<{ status: string; steps: unknown[] }>(
      "GET",
      `/api/runs/${victim.ids.runId}`,
      { bearer },
    );
    const keys = await app().call("GET", "/api/api-keys", { bearer });
    const credentials = await app().call("GET", "/api/credentials", { bearer });
    const webhooks = await app().call("GET", `/api/workflows/${victim.ids.workflowId}/webhooks`, { bearer });
    const schedules = await app().call("GET", `/api/workflows/${victim.ids.workflowId}/schedules`, {
      bearer,
    });
    const deliveries = await app().call(
      "GET",
      `/api/workflows/${victim.ids.workflowId}/webhooks/${victim.ids.webhookId}/deliveries`,
      { bearer },
    );
    const runs = await app().call<{ data: Array<{ id: string }> }>(
      "GET",
      `/api/v1/runs?workflowId=${victim.ids.workflowId}&limit=100`,
      { bearer: victim.key },
    );
    const lastUsed = (keys.body as { data: Array<Record<string, unknown>> }).data.map(
      ({ lastUsedAt: _, ...k }) => k,
    );
    return {
      workflow: workflow.body,
      run: run.body,
      keys: lastUsed,
      credentials: credentials.body,
      webhooks: webhooks.body,
      deliveries: deliveries.body,
      schedules: schedules.body,
      runIds: runs.body.data.map((r) => r.id),
    };
  }

  beforeAll(async () => {
    const bearer = await session(victim.user);
    const workflow = await app().call<{ id: string }>("POST", "/api/workflows", {
      bearer,
      body: { name: "victim", graph },
    });
    victim.ids.workflowId = workflow.body.id;
    const run = await app().call<{ runId: string }>("POST", `/api/workflows/${workflow.body.id}/runs`, {
      bearer,
      body: { input: {} },
    });
    victim.ids.runId = run.body.runId;
    await app().engine.settle(); // the run now sleeps on its delay: live, and it stays so
    const key = await createKey(victim.user, ALL_SCOPES);
    victim.ids.keyId = key.id;
    const credential = await app().call<{ id: string }>("POST", "/api/credentials", {
      bearer,
      body: { name: "victim-openai", kind: "openai", secret: "sk-victim-secret" },
    });
    victim.ids.credentialId = credential.body.id;
    const webhook = await app().call<{ id: string }>("POST", `/api/workflows/${workflow.body.id}/webhooks`, {
      bearer,
      body: { name: "victim hook" },
    });
    victim.ids.webhookId = webhook.body.id;
    // An unsigned delivery: refused (401) and logged, which gives the victim a delivery id.
    const unsigned = await app().call("POST", `/api/webhooks/${webhook.body.id}`, { body: { x: 1 } });
    expect(unsigned.status).toBe(401);
    const deliveries = await app().call<{ data: Array<{ id: string }> }>(
      "GET",
      `/api/workflows/${workflow.body.id}/webhooks/${webhook.body.id}/deliveries`,
      { bearer },
    );
    victim.ids.deliveryId = deliveries.body.data[0]?.id ?? "";
    // Disabled, so no tick starts runs of it while the matrix compares the victim's state.
    const schedule = await app().call<{ id: string }>(
      "POST",
      `/api/workflows/${workflow.body.id}/schedules`,
      {
        bearer,
        body: { cron: "0 9 * * *", timezone: "Europe/Berlin", enabled: false },
      },
    );
    expect(schedule.status, schedule.text).toBe(201);
    victim.ids.scheduleId = schedule.body.id;
    victim.key = key.secret;

    intruder.key = (await createKey(intruder.user, ALL_SCOPES)).secret;
    intruder.narrowKey = (await createKey(intruder.user, ["workflows:read"])).secret;
    const revoked = await createKey(intruder.user, ALL_SCOPES);
    await app().call("DELETE", `/api/api-keys/${revoked.id}`, { bearer: await session(intruder.user) });
    intruder.revokedKey = revoked.secret;

    // An expired key of the victim's own workspace, planted directly: the API refuses past expiry dates.
    const expired = generateApiKeySecret();
    const client = new pg.Client({ connectionString: app().database.url });
    await client.connect();
    const [{ workspace_id: workspaceId }] = (
      await client.query("select workspace_id from workflows where id = $1", [victim.ids.workflowId])
    ).rows;
    await client.query(
      `insert into api_keys (id, workspace_id, name, prefix, hash, scopes, created_by, expires_at)
       values ($1, $2, 'expired', $3, $4, $5, 'test', now() - interval '1 minute')`,
      ["key_0expired0000000000000000", workspaceId, expired.prefix, expired.hash, JSON.stringify(ALL_SCOPES)],
    );
    await client.end();
    intruder.expiredKey = expired.secret;
  });

  it("covers every API route file (nothing can be added without deciding who may call it)", () => {
    const apiDir = path.resolve(import.meta.dirname, "../../src/app/api");
    const files = readdirSync(apiDir, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith("route.ts"))
      .map((file) => `/api/${path.dirname(file)}`.replace(/\[(\w+)\]/g, ":$1"));
    const covered = new Set([...SESSION_ENDPOINTS, ...V1_ENDPOINTS].map((e) => e.route));
    const missing = files.filter(
      (route) => !covered.has(route) && !EXEMPT.has(route.replace(/:(\w+)/g, "[$1]")),
    );
    expect(missing).toEqual([]);
  });

  it("session endpoints: 401 without a session, 404 (or nothing of the victim's) for another workspace", async () => {
    const before = await victimState();
    const intruderSession = await session(intruder.user);
    const expiredSession = await clerk.mintSessionToken({
      userId: victim.user,
      azp: AZP,
      expiresInSec: -120,
    });
    for (const endpoint of SESSION_ENDPOINTS) {
      const label = `${endpoint.method} ${endpoint.route}`;
      expect((await call(endpoint, {})).status, `${label} without credentials`).toBe(401);
      expect(
        (await call(endpoint, { bearer: expiredSession })).status,
        `${label} with an expired session`,
      ).toBe(401);
      const asIntruder = await call(endpoint, { bearer: intruderSession });
      if (endpoint.targetsVictim) expect(asIntruder.status, `${label} from another workspace`).toBe(404);
      else expect(asIntruder.text, `${label} leaks the victim's data`).not.toContain(victim.ids.workflowId);
    }
    expect(await victimState()).toEqual(before);
  });

  it("v1 endpoints: 401 for missing, malformed, revoked and expired keys, 403 without the scope, 404 across workspaces", async () => {
    const before = await victimState();
    for (const endpoint of V1_ENDPOINTS) {
      const label = `${endpoint.method} ${endpoint.route}`;
      for (const [name, auth] of [
        ["no key", {}],
        ["a malformed key", { bearer: "sk_not-a-real-key" }],
        ["a session token instead of a key", { bearer: await session(victim.user) }],
        ["a revoked key", { bearer: intruder.revokedKey }],
        ["an expired key", { bearer: intruder.expiredKey }],
      ] as const) {
        const result = await call(endpoint, auth);
        expect(result.status, `${label} with ${name}`).toBe(401);
        expect(result.headers.get("location"), `${label} redirects`).toBeNull();
      }
      if (endpoint.scope !== "workflows:read") {
        expect(
          (await call(endpoint, { bearer: intruder.narrowKey })).status,
          `${label} without ${endpoint.scope}`,
        ).toBe(403);
      }
      const asIntruder = await call(endpoint, { bearer: intruder.key });
      if (endpoint.targetsVictim) expect(asIntruder.status, `${label} from another workspace`).toBe(404);
      else expect(asIntruder.text, `${label} leaks the victim's data`).not.toContain(victim.ids.workflowId);
    }
    expect(await victimState()).toEqual(before);
  });
});

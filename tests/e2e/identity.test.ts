import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { node } from "../fixtures/graphs";
import { createClerkTestKeys, mintForeignToken, type OrgRole } from "../helpers/clerk-tokens";
import { AUTHORIZED_PARTIES, type CallResult, useNextApp } from "../helpers/next-app";

/**
 * Who may see what, through the real Next server and Clerk's real middleware:
 * tokens are minted offline with a key pair whose public half is CLERK_JWT_KEY.
 * The server logs at info so the last test can search its output for secrets.
 */

const clerk = await createClerkTestKeys();

const AZP = AUTHORIZED_PARTIES[0];
/** The /api/v1 routes are being built alongside; their tests run once they are in the tree. */
const V1_PRESENT = existsSync(path.resolve(import.meta.dirname, "../../src/app/api/v1/workflows/route.ts"));
const graph = { nodes: [node("hello", "text", { template: "Hi {{ input.name }}" })], edges: [] };

type ErrorBody = { error: { code: string; message: string; requestId: string } };
type WorkflowList = { data: Array<{ id: string; name: string }> };
type Created = { id: string };

describe("identity through next start and Clerk's middleware", () => {
  const app = useNextApp({ clerk, env: { LOG_LEVEL: "info" } });

  let users = 0;
  /** A user id no other test uses, so every test starts with an empty personal workspace. */
  function newUser(): string {
    users += 1;
    return `user_e2e_${users}_${Date.now()}`;
  }

  function token(userId: string, org?: { id: string; role: OrgRole }) {
    return clerk.mintSessionToken({ userId, azp: AZP, orgId: org?.id, orgRole: org?.role });
  }

  async function createWorkflow(bearer: string, name: string): Promise<string> {
    const created = await app().call<Created>("POST", "/api/workflows", { bearer, body: { name, graph } });
    expect(created.status, created.text).toBe(201);
    return created.body.id;
  }

  async function workflowIds(bearer: string): Promise<string[]> {
    const list = await app().call<WorkflowList>("GET", "/api/workflows", { bearer });
    expect(list.status, list.text).toBe(200);
    return list.body.data.map((workflow) => workflow.id);
  }

  function expectJsonError(result: CallResult<ErrorBody>, status: number, code: string) {
    expect(result.status, result.text).toBe(status);
    expect(result.headers.get("content-type")).toMatch(/^application\/json/);
    expect(result.headers.get("location")).toBeNull();
    expect(result.body.error).toMatchObject({ code, message: expect.any(String) });
  }

  describe("session routes without a session", () => {
    it.each([
      ["GET", "/api/workflows"],
      ["POST", "/api/workflows"],
      ["GET", "/api/workflows/wf_example"],
      ["GET", "/api/runs/run_00000000000000000000000000"],
      ["GET", "/api/api-keys"],
    ])("%s %s answers 401 JSON, not a redirect to sign-in", async (method, route) => {
      const body = method === "POST" ? { name: "x", graph } : undefined;
      expectJsonError(await app().call<ErrorBody>(method, route, { body }), 401, "unauthorized");
    });

    it("answers 401 even to a browser navigation asking for HTML", async () => {
      const result = await app().call<ErrorBody>("GET", "/api/workflows", {
        headers: { accept: "text/html", "sec-fetch-dest": "document" },
      });
      expectJsonError(result, 401, "unauthorized");
    });
  });

  describe("a signed-in user", () => {
    it("gets a personal workspace on first use; its workflows are visible to that user only", async () => {
      const alice = await token(newUser());
      const bob = await token(newUser());
      expect(await workflowIds(alice)).toEqual([]);

      const id = await createWorkflow(alice, "alice's");
      expect(await workflowIds(alice)).toEqual([id]);
      expect(await workflowIds(bob)).toEqual([]);
    });

    it("is recognised from the __session cookie when __client_uat is not newer than the token", async () => {
      const userId = newUser();
      const issuedAt = Math.floor(Date.now() / 1000);
      const sessionToken = await clerk.mintSessionToken({ userId, azp: AZP, issuedAt });
      const id = await createWorkflow(sessionToken, "via bearer");

      for (const clientUat of [issuedAt, issuedAt - 60]) {
        const list = await app().call<WorkflowList>("GET", "/api/workflows", {
          sessionCookie: { token: sessionToken, clientUat },
        });
        expect(list.status, list.text).toBe(200);
        expect(list.body.data.map((w) => w.id)).toEqual([id]);
      }
    });

    it("is signed out when the cookie's token predates the client's last sign-in (__client_uat > iat)", async () => {
      const issuedAt = Math.floor(Date.now() / 1000) - 30;
      const stale = await clerk.mintSessionToken({ userId: newUser(), azp: AZP, issuedAt });
      const result = await app().call<ErrorBody>("GET", "/api/workflows", {
        sessionCookie: { token: stale, clientUat: issuedAt + 10 },
      });
      expectJsonError(result, 401, "unauthorized");
    });
  });

  describe("tokens the proxy must reject", () => {
    const now = () => Math.floor(Date.now() / 1000);
    it.each([
      ["expired", () => clerk.mintSessionToken({ userId: newUser(), azp: AZP, issuedAt: now() - 600 })],
      ["signed by another key", () => mintForeignToken({ userId: newUser(), azp: AZP })],
      [
        "issued for an origin that is not an authorized party",
        () => clerk.mintSessionToken({ userId: newUser(), azp: "https://evil.example" }),
      ],
      ["not a JWT at all", async () => "not-a-jwt"],
    ])("%s: 401 as bearer and as cookie", async (_label, mint) => {
      const bad = await mint();
      expectJsonError(
        await app().call<ErrorBody>("GET", "/api/workflows", { bearer: bad }),
        401,
        "unauthorized",
      );
      const viaCookie = await app().call<ErrorBody>("GET", "/api/workflows", {
        sessionCookie: { token: bad, clientUat: now() - 3600 },
      });
      expectJsonError(viaCookie, 401, "unauthorized");
    });
  });

  describe("organizations", () => {
    const org = { id: `org_e2e_${Date.now()}` };

    it("share one workspace between members; a member's personal workspace stays separate", async () => {
      const adminId = newUser();
      const admin = await token(adminId, { ...org, role: "admin" });
      const member = await token(newUser(), { ...org, role: "member" });

      const id = await createWorkflow(admin, "org workflow");
      expect(await workflowIds(member)).toEqual([id]);
      const memberCreated = await createWorkflow(member, "by a member");
      expect((await workflowIds(admin)).sort()).toEqual([id, memberCreated].sort());

      expect(await workflowIds(await token(adminId))).toEqual([]);
    });

    it("lets only admins manage API keys", async () => {
      const admin = await token(newUser(), { ...org, role: "admin" });
      const member = await token(newUser(), { ...org, role: "member" });
      const body = { name: "ci", scopes: ["workflows:read"] };

      expectJsonError(
        await app().call<ErrorBody>("POST", "/api/api-keys", { bearer: member, body }),
        403,
        "forbidden",
      );
      expectJsonError(
        await app().call<ErrorBody>("GET", "/api/api-keys", { bearer: member }),
        403,
        "forbidden",
      );
      const created = await app().call<{ id: string; secret: string }>("POST", "/api/api-keys", {
        bearer: admin,
        body,
      });
      expect(created.status, created.text).toBe(201);
      expect(created.body.secret).toEqual(expect.any(String));
    });
  });

  describe("another workspace's resources", () => {
    it("answer 404, not 403, for every route that takes their id", async () => {
      const owner = await token(newUser());
      const stranger = await token(newUser());
      const workflowId = await createWorkflow(owner, "private");
      const started = await app().call<{ runId: string }>("POST", `/api/workflows/${workflowId}/runs`, {
        bearer: owner,
        body: { input: { name: "Ada" } },
      });
      expect(started.status, started.text).toBe(202);
      const { runId } = started.body;
      expect((await app().call("GET", `/api/runs/${runId}`, { bearer: owner })).status).toBe(200);

      const attempts: Array<[string, string, unknown]> = [
        ["GET", `/api/workflows/${workflowId}`, undefined],
        ["PUT", `/api/workflows/${workflowId}`, { graph }],
        ["POST", `/api/workflows/${workflowId}/runs`, { input: { name: "Eve" } }],
        ["GET", `/api/runs/${runId}`, undefined],
      ];
      for (const [method, route, body] of attempts) {
        const result = await app().call<ErrorBody>(method, route, { bearer: stranger, body });
        expectJsonError(result, 404, "not_found");
      }
    });
  });

  describe.skipIf(!V1_PRESENT)("/api/v1 with Clerk on", () => {
    it("answers 401 JSON without an API key, never a redirect, and takes no session token for one", async () => {
      const bare = await app().call<ErrorBody>("GET", "/api/v1/workflows");
      expectJsonError(bare, 401, "unauthorized");
      expect(bare.headers.get("www-authenticate")).toMatch(/^Bearer/);

      const navigation = await app().call<ErrorBody>("GET", "/api/v1/workflows", {
        headers: { accept: "text/html", "sec-fetch-dest": "document" },
      });
      expectJsonError(navigation, 401, "unauthorized");

      const session = await token(newUser());
      expectJsonError(
        await app().call<ErrorBody>("GET", "/api/v1/workflows", { bearer: session }),
        401,
        "unauthorized",
      );
    });

    it("serves its OpenAPI document without a key", async () => {
      const document = await app().call<{ openapi: string }>("GET", "/api/v1/openapi.json");
      expect(document.status, document.text).toBe(200);
      expect(document.body.openapi).toMatch(/^3\./);
    });

    it("works with a key an org admin created, within the key's workspace and scopes", async () => {
      const admin = await token(newUser(), { id: `org_v1_${Date.now()}`, role: "admin" });
      const workflowId = await createWorkflow(admin, "for programs");
      const created = await app().call<{ secret: string }>("POST", "/api/api-keys", {
        bearer: admin,
        body: { name: "reader", scopes: ["workflows:read"] },
      });
      expect(created.status, created.text).toBe(201);
      const key = created.body.secret;

      const list = await app().call<WorkflowList>("GET", "/api/v1/workflows", { bearer: key });
      expect(list.status, list.text).toBe(200);
      expect(list.body.data.map((w) => w.id)).toEqual([workflowId]);
      expect((await app().call("GET", `/api/v1/workflows/${workflowId}`, { bearer: key })).status).toBe(200);

      const run = await app().call<ErrorBody>("POST", `/api/v1/workflows/${workflowId}/runs`, {
        bearer: key,
        body: { input: { name: "Ada" } },
      });
      expectJsonError(run, 403, "forbidden");

      const otherWorkspace = await createWorkflow(await token(newUser()), "not theirs");
      const foreign = await app().call<ErrorBody>("GET", `/api/v1/workflows/${otherWorkspace}`, {
        bearer: key,
      });
      expectJsonError(foreign, 404, "not_found");
    });
  });

  describe("API key secrets", () => {
    it("appear in the creation answer only: not in the list, not in the server's logs", async () => {
      const admin = await token(newUser(), { id: `org_keys_${Date.now()}`, role: "admin" });
      const created = await app().call<{ id: string; secret: string; prefix: string }>(
        "POST",
        "/api/api-keys",
        {
          bearer: admin,
          body: { name: "deploy", scopes: ["workflows:read", "runs:write"] },
        },
      );
      expect(created.status, created.text).toBe(201);
      const { id, secret } = created.body;
      expect(secret.length).toBeGreaterThan(20);

      const list = await app().call<{ data: Array<{ id: string }> }>("GET", "/api/api-keys", {
        bearer: admin,
      });
      expect(list.status, list.text).toBe(200);
      expect(list.body.data.map((key) => key.id)).toContain(id);
      expect(list.text).not.toContain(secret);

      if (V1_PRESENT) {
        // Used once with success and once against a missing workflow, so both log paths run.
        expect((await app().call("GET", "/api/v1/workflows", { bearer: secret })).status).toBe(200);
        expect((await app().call("GET", "/api/v1/workflows/wf_missing", { bearer: secret })).status).toBe(
          404,
        );
      }

      const output = app().server.output();
      expect(output).toContain('"level":30');
      expect(output).not.toContain(secret);
      expect(output).not.toContain(admin);
    });
  });
});

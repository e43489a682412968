import { describe, expect, it } from "vitest";
import { useNextApp } from "../helpers/next-app";
import { launchNextServer } from "../helpers/next-server";

/**
 * What `next start` (always NODE_ENV=production) does with the configuration it
 * is given: without the hosted services and without STEPWISE_EMBEDDED it must
 * not serve anyone, least of all as the local user; with STEPWISE_EMBEDDED (what
 * `npm start` sets) it serves the local user on the embedded defaults.
 */

const REQUIRED_IN_PRODUCTION = [
  "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
  "CLERK_SECRET_KEY",
  "DATABASE_URL",
  "INNGEST_SIGNING_KEY",
  "INNGEST_EVENT_KEY",
  "ENCRYPTION_KEY",
  "CRON_SECRET",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
];

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe("next start in production without configuration", () => {
  it("refuses to start, naming every missing variable", async () => {
    const server = await launchNextServer({ env: {} });
    try {
      const outcome = await server.health();
      expect(outcome.kind, server.output()).toBe("exited");
      if (outcome.kind === "exited") expect(outcome.exitCode).not.toBe(0);
      // The refusal is logged as the server prepares; allow the output a moment to arrive.
      const named = () => REQUIRED_IN_PRODUCTION.every((name) => server.output().includes(name));
      expect(await until(named, 10_000), server.output()).toBe(true);
      expect(server.output()).toContain("refuses to start");
    } finally {
      await server.stop();
    }
  });
});

describe("next start on the embedded defaults (npm start)", () => {
  const app = useNextApp({});

  it("serves session routes as the local user of the local workspace", async () => {
    const list = await app().call<{ data: Array<{ id: string }> }>("GET", "/api/workflows");
    expect(list.status, list.text).toBe(200);
    expect(list.body.data.map((workflow) => workflow.id)).toContain("wf_example");

    const keys = await app().call("GET", "/api/api-keys");
    expect(keys.status, keys.text).toBe(200);
  });
});

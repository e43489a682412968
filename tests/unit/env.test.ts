import { describe, expect, it } from "vitest";
import {
  httpNodesMayReachPrivateNetworks,
  InvalidEnvError,
  identityMode,
  inngestBaseUrl,
  inngestDevMode,
  parseEnv,
} from "@/lib/env";
import { chooseDriver } from "@/server/db/drivers";

const PRODUCTION_OK = {
  NODE_ENV: "production",
  NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k",
  CLERK_SECRET_KEY: "sk_live_0123456789abcdef",
  DATABASE_URL: "postgres://app:pw@db.example.com:5432/stepwise",
  INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef",
  INNGEST_EVENT_KEY: "evt-0123456789abcdef",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  CRON_SECRET: "cron-0123456789abcdef",
  UPSTASH_REDIS_REST_URL: "https://eu1-example.upstash.io",
  UPSTASH_REDIS_REST_TOKEN: "AX0123456789abcdef",
};

function problemsOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof InvalidEnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("env", () => {
  it("runs on embedded defaults with nothing set", () => {
    const env = parseEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(env.DATABASE_URL).toBeUndefined();
    expect(inngestDevMode(env)).toBe(true);
    expect(inngestBaseUrl(env)).toBe("http://127.0.0.1:8288");
    expect(chooseDriver(env)).toMatchObject({ driver: "pglite" });
  });

  it("refuses production without the database, signing and event keys, naming each", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    expect(problems.join("\n")).toMatch(/DATABASE_URL/);
    expect(problems.join("\n")).toMatch(/INNGEST_SIGNING_KEY/);
    expect(problems.join("\n")).toMatch(/INNGEST_EVENT_KEY/);
  });

  it("refuses production without Clerk (local mode is for development only)", () => {
    const { NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: _pk, CLERK_SECRET_KEY: _sk, ...withoutClerk } = PRODUCTION_OK;
    const problems = problemsOf(withoutClerk).join("\n");
    expect(problems).toMatch(/NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY/);
    expect(problems).toMatch(/CLERK_SECRET_KEY/);
  });

  it("runs in local identity mode without Clerk keys, in Clerk mode with both, and refuses half a configuration", () => {
    expect(identityMode(parseEnv({}))).toBe("local");
    expect(identityMode(parseEnv(PRODUCTION_OK))).toBe("clerk");
    expect(problemsOf({ CLERK_SECRET_KEY: "sk_test_x" }).join()).toMatch(/NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY/);
    expect(problemsOf({ CLERK_JWT_KEY: "not a pem" }).join()).toMatch(/CLERK_JWT_KEY/);
  });

  it("refuses placeholder secrets and dev mode in production", () => {
    expect(problemsOf({ ...PRODUCTION_OK, INNGEST_SIGNING_KEY: "changeme" }).join()).toMatch(
      /INNGEST_SIGNING_KEY/,
    );
    expect(problemsOf({ ...PRODUCTION_OK, INNGEST_DEV: "1" }).join()).toMatch(/INNGEST_DEV/);
    expect(problemsOf({ ...PRODUCTION_OK, DATABASE_URL: "pglite:.data/x" }).join()).toMatch(/DATABASE_URL/);
  });

  it("accepts a complete production configuration", () => {
    const env = parseEnv(PRODUCTION_OK);
    expect(inngestDevMode(env)).toBe(false);
    expect(inngestBaseUrl(env)).toBeUndefined();
  });

  it("names the variable and the problem for a malformed value", () => {
    expect(problemsOf({ DATABASE_POOL_MAX: "lots" }).join()).toMatch(/DATABASE_POOL_MAX/);
    expect(problemsOf({ APP_URL: "not a url" }).join()).toMatch(/APP_URL/);
  });

  it("points at another Inngest server when INNGEST_DEV is a URL", () => {
    const env = parseEnv({ INNGEST_DEV: "http://127.0.0.1:9999" });
    expect(inngestDevMode(env)).toBe(true);
    expect(inngestBaseUrl(env)).toBe("http://127.0.0.1:9999");
  });

  it("chooses the driver from DATABASE_URL", () => {
    const base = { DATABASE_DRIVER: "auto" as const, PGLITE_DIR: ".data/pglite" };
    expect(chooseDriver({ ...base, DATABASE_URL: "postgres://u@localhost/db" }).driver).toBe("pg");
    expect(
      chooseDriver({ ...base, DATABASE_URL: "postgres://u@ep-x.eu-central-1.aws.neon.tech/db" }).driver,
    ).toBe("neon");
    expect(chooseDriver({ ...base, DATABASE_URL: "pglite:memory" })).toEqual({
      driver: "pglite",
      dataDir: "memory",
    });
    expect(() => chooseDriver({ ...base, DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });
});

describe("env: a production build on the embedded defaults", () => {
  it("is allowed locally when asked for explicitly", () => {
    const env = parseEnv({
      NODE_ENV: "production",
      STEPWISE_EMBEDDED: "1",
      INNGEST_DEV: "http://127.0.0.1:8288",
    });
    expect(inngestDevMode(env)).toBe(true);
    expect(chooseDriver(env).driver).toBe("pglite");
  });

  it("is refused on Vercel", () => {
    expect(problemsOf({ NODE_ENV: "production", STEPWISE_EMBEDDED: "1", VERCEL: "1" }).join()).toMatch(
      /STEPWISE_EMBEDDED/,
    );
  });
});

describe("env: the app's origin", () => {
  it("follows PORT unless APP_URL is set", () => {
    expect(parseEnv({}).APP_URL).toBe("http://localhost:3000");
    expect(parseEnv({ PORT: "3101" }).APP_URL).toBe("http://localhost:3101");
    expect(parseEnv({ PORT: "3101", APP_URL: "https://stepwise.example.com" }).APP_URL).toBe(
      "https://stepwise.example.com",
    );
    expect(problemsOf({ PORT: "http" })[0]).toMatch(/^PORT/);
  });
});

describe("env: building for production", () => {
  it("does not demand runtime secrets while Next builds, but does when the server starts", () => {
    expect(problemsOf({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" })).toEqual([]);
    expect(problemsOf({ NODE_ENV: "production", NEXT_PHASE: "phase-production-server" }).length).toBe(9);
  });
});

describe("env: HTTP nodes and internal addresses", () => {
  it("lets a developer's workflows call localhost but not production's, unless configured", () => {
    expect(httpNodesMayReachPrivateNetworks(parseEnv({}))).toBe(true);
    expect(httpNodesMayReachPrivateNetworks(parseEnv(PRODUCTION_OK))).toBe(false);
    expect(
      httpNodesMayReachPrivateNetworks(
        parseEnv({ ...PRODUCTION_OK, HTTP_NODE_ALLOW_PRIVATE_NETWORKS: "true" }),
      ),
    ).toBe(true);
    expect(httpNodesMayReachPrivateNetworks(parseEnv({ HTTP_NODE_ALLOW_PRIVATE_NETWORKS: "false" }))).toBe(
      false,
    );
  });
});

describe("CORS_ALLOWED_ORIGINS", () => {
  it("is a list of exact origins, empty when unset", () => {
    expect(parseEnv({}).CORS_ALLOWED_ORIGINS).toEqual([]);
    expect(
      parseEnv({ CORS_ALLOWED_ORIGINS: " https://app.example.com, http://localhost:5173 ," })
        .CORS_ALLOWED_ORIGINS,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
  });

  it.each([
    "*",
    "app.example.com",
    "https://app.example.com/",
    "https://app.example.com/path",
    "https://*.example.com",
    "https://user@app.example.com",
    "HTTPS://APP.example.com",
    "ftp://files.example.com",
  ])("refuses %s, naming the variable", (value) => {
    expect(problemsOf({ CORS_ALLOWED_ORIGINS: value }).join("\n")).toMatch(
      /^CORS_ALLOWED_ORIGINS: .*not an origin/,
    );
  });
});

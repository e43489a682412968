import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/server/api-keys/create-api-key";
import { verifyApiKey } from "@/server/api-keys/verify-api-key";
import { closeDb, type Database, getDb } from "@/server/db/client";
import { observeQueries } from "@/server/db/query-observer";
import { apiKeys, workspaces } from "@/server/db/schema";

/**
 * A key's last use is kept to the minute (issue 14): verifying a key costs its lookup, and at
 * most one write of `last_used_at` per key per minute, however many requests it authenticates.
 * The clock is the `now` each verification is given; nothing sleeps.
 */
describe("an API key's last-used time", () => {
  let db: Database;

  beforeAll(async () => {
    process.env.DATABASE_URL = "pglite:memory";
    process.env.LOG_LEVEL = "silent";
    db = await getDb();
    await db.insert(workspaces).values({ id: "ws_keys", name: "Keys", kind: "personal", externalId: "keys" });
  });

  afterAll(async () => {
    await closeDb();
  });

  async function newKey(name: string) {
    return createApiKey(db, {
      workspaceId: "ws_keys",
      createdBy: "user_test",
      body: { name, scopes: ["runs:write"] },
    });
  }

  /** The `last_used_at` writes that `work` sends (statements, whether or not they change a row). */
  async function touchesDuring(work: () => Promise<unknown>): Promise<number> {
    let touches = 0;
    const stop = observeQueries((sql) => {
      if (/^update "api_keys"/i.test(sql)) touches++;
    });
    try {
      await work();
    } finally {
      stop();
    }
    return touches;
  }

  const lastUsed = async (id: string) =>
    (await db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id)))[0]?.at;

  it("is written on first use, then at most once a minute however often the key is used", async () => {
    const key = await newKey("busy");
    const t0 = new Date("2030-01-01T00:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);

    expect(await touchesDuring(() => verifyApiKey(db, key.secret, t0))).toBe(1);
    expect(await lastUsed(key.id)).toEqual(t0);

    const within = await touchesDuring(async () => {
      for (const ms of [1, 1_000, 30_000, 59_999]) {
        expect((await verifyApiKey(db, key.secret, at(ms))).ok).toBe(true);
      }
    });
    expect(within).toBe(0);
    expect(await lastUsed(key.id)).toEqual(t0);

    expect(await touchesDuring(() => verifyApiKey(db, key.secret, at(60_000)))).toBe(1);
    expect(await lastUsed(key.id)).toEqual(at(60_000));
    expect(await touchesDuring(() => verifyApiKey(db, key.secret, at(61_000)))).toBe(0);
  });

  it("keeps each key's minute apart", async () => {
    const [a, b] = [await newKey("a"), await newKey("b")];
    const now = new Date("2030-02-01T00:00:00Z");
    expect(await touchesDuring(() => verifyApiKey(db, a.secret, now))).toBe(1);
    expect(await touchesDuring(() => verifyApiKey(db, b.secret, now))).toBe(1);
    expect(await lastUsed(b.id)).toEqual(now);
  });

  it("still refuses a revoked key at once, written or not", async () => {
    const key = await newKey("revoked soon");
    const now = new Date("2030-03-01T00:00:00Z");
    expect((await verifyApiKey(db, key.secret, now)).ok).toBe(true);
    await db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, key.id));
    expect(await verifyApiKey(db, key.secret, new Date(now.getTime() + 1_000))).toEqual({
      ok: false,
      reason: "revoked",
    });
  });

  it("writes once a minute across instances: a write another instance made this minute is not repeated", async () => {
    const key = await newKey("shared");
    const now = new Date("2030-04-01T00:00:00Z");
    // Another instance used the key 10 s ago; this one has never seen it.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now.getTime() - 10_000) })
      .where(eq(apiKeys.id, key.id));
    await verifyApiKey(db, key.secret, now);
    expect(await lastUsed(key.id)).toEqual(new Date(now.getTime() - 10_000));
  });
});

import { describe, expect, it } from "vitest";
import { type ApiAnswer, callWithKey, createKeyViaSession } from "../helpers/api-client";
import { useStack } from "../helpers/stack";

/**
 * The route wrappers' limits on the real routes (in-process store; the stores
 * themselves pass one suite in rate-limit-store.test.ts): a budget per API key and
 * per person, with the remaining budget on every answer, and failed
 * authentications per IP, after which the IP is refused before its key is checked.
 */

process.env.RATE_LIMIT_API_KEY = "5/1m";
process.env.RATE_LIMIT_SESSION = "8/1m";
process.env.RATE_LIMIT_AUTH_FAILURE = "3/5m";

function expectRefused(answer: ApiAnswer<unknown>) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(429);
  expect((answer.body as { error: { code: string } }).error.code).toBe("rate_limited");
  expect(Number(answer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(answer.headers.get("ratelimit-remaining")).toBe("0");
  expect(answer.headers.get("x-request-id")).toBeTruthy();
}

describe("rate limits on the routes", () => {
  const stack = useStack({ driver: "pglite" });

  it("gives each API key its own budget, counting down on every answer", async () => {
    const first = await createKeyViaSession(stack(), ["workflows:read"]);
    const second = await createKeyViaSession(stack(), ["workflows:read"]);
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await callWithKey(stack(), `Bearer ${first.secret}`, "GET", "/api/v1/workflows"));
    expect(answers.slice(0, 5).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.slice(0, 5).map((answer) => answer.headers.get("ratelimit-remaining"))).toEqual([
      "4",
      "3",
      "2",
      "1",
      "0",
    ]);
    expect(answers[0]?.headers.get("ratelimit-limit")).toBe("5");
    expectRefused(answers[5] as ApiAnswer<unknown>);
    const other = await callWithKey(stack(), `Bearer ${second.secret}`, "GET", "/api/v1/workflows");
    expect(other.status).toBe(200);
  });

  it("refuses an IP after its failed authentications, before looking at its key, and only that IP", async () => {
    const key = await createKeyViaSession(stack(), ["workflows:read"]);
    const from = (ip: string, authorization: string) =>
      callWithKey(stack(), authorization, "GET", "/api/v1/workflows", { headers: { "x-forwarded-for": ip } });
    const bad = [];
    for (let i = 0; i < 3; i++)
      bad.push((await from("198.51.100.9", `Bearer sk_${"x".repeat(40)}${i}`)).status);
    expect(bad).toEqual([401, 401, 401]);
    expectRefused(await from("198.51.100.9", "Bearer sk_wrong_again"));
    // Blocked, whatever it sends now: a guess that happens to be right learns nothing.
    expectRefused(await from("198.51.100.9", `Bearer ${key.secret}`));
    expect((await from("198.51.100.10", `Bearer ${key.secret}`)).status).toBe(200);
  });

  it("gives a person a budget across the session routes", async () => {
    // The key creations above spent some of the local user's budget; spend the rest.
    let answer = await stack().api("GET", "/api/workflows");
    let count = 0;
    while (answer.status === 200 && count < 20) {
      answer = await stack().api("GET", "/api/runs");
      count += 1;
    }
    expect(answer.status).toBe(429);
    expect(count).toBeLessThanOrEqual(8);
    expect(answer.headers.get("retry-after")).not.toBeNull();
  });
});

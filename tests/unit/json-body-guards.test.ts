import { describe, expect, it } from "vitest";
import { exceedsJsonDepth } from "@/server/http/json-depth";
import { readBodyText } from "@/server/http/read-body-text";
import { findUnstorable } from "@/server/http/unstorable-text";

describe("exceedsJsonDepth", () => {
  it("counts arrays and objects, not brackets inside strings or after escapes", () => {
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":[1,{"b":[]}]}', 3)).toBe(true);
    expect(exceedsJsonDepth(`{"s":"${"[".repeat(100)}"}`, 1)).toBe(false);
    expect(exceedsJsonDepth(`{"s":"\\"${"[".repeat(100)}"}`, 1)).toBe(false);
    expect(exceedsJsonDepth(`["\\\\",${"[".repeat(3)}]]]]`, 3)).toBe(true);
  });

  it("scans 800 KB of nesting in linear time without recursion", () => {
    const deep = "[".repeat(400_000) + "]".repeat(400_000);
    const started = performance.now();
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth(`[${"0,".repeat(400_000)}0]`, 64)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("findUnstorable", () => {
  it("finds a lone surrogate or NUL with its path, and lets a surrogate pair through", () => {
    expect(findUnstorable({ input: { ok: "😀", bad: ["x", "\ud800"] } })).toEqual({
      path: ["input", "bad", 1],
      what: "surrogate",
    });
    expect(findUnstorable({ a: { "\udc00": 1 } })).toEqual({ path: ["a", "\udc00"], what: "surrogate" });
    expect(findUnstorable({ a: "x\0y" })).toEqual({ path: ["a"], what: "NUL" });
    expect(findUnstorable({ ok: "😀", list: [1, null, true] })).toBeNull();
  });
});

describe("readBodyText", () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    new Request("http://localhost/api/x", { method: "POST", body, headers });

  it("stops at the limit while reading, whatever Content-Length says", async () => {
    await expect(readBodyText(post("x".repeat(11)), 10)).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(readBodyText(post("x", { "content-length": "11" }), 10)).rejects.toMatchObject({
      code: "payload_too_large",
    });
    expect(await readBodyText(post("x".repeat(10)), 10)).toBe("x".repeat(10));
  });

  it("refuses bytes that are not UTF-8 (an encoded surrogate among them)", async () => {
    await expect(
      readBodyText(post(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22])), 10),
    ).rejects.toMatchObject({
      code: "invalid_json",
    });
  });
});

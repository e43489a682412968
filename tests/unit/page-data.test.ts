import { describe, expect, it } from "vitest";
import { loadPageData } from "@/server/pages/page-data";

describe("loadPageData", () => {
  it("passes data through", async () => {
    expect(await loadPageData(async () => ({ n: 1 }))).toEqual({ ok: true, data: { n: 1 } });
  });

  it("turns a database outage into 'unavailable'", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const wrapped = new Error("Failed query: select 1", { cause: refused });
    expect(await loadPageData(() => Promise.reject(wrapped))).toEqual({ ok: false, reason: "unavailable" });
  });

  it("lets everything else through: bugs, and Next's redirect and not-found signals", async () => {
    const bug = new TypeError("x is undefined");
    await expect(loadPageData(() => Promise.reject(bug))).rejects.toBe(bug);
    const redirect = Object.assign(new Error("NEXT_REDIRECT"), {
      digest: "NEXT_REDIRECT;replace;/sign-in;307;",
    });
    await expect(loadPageData(() => Promise.reject(redirect))).rejects.toBe(redirect);
  });
});

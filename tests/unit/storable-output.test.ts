import { describe, expect, it } from "vitest";
import { findUnstorable } from "@/server/http/unstorable-text";
import { storableOutput } from "@/server/runs/storable-output";

/**
 * A node's output must be storable in jsonb whatever the node produced: PostgreSQL
 * refuses U+0000 and unpaired surrogates (22P02), and a refused write is a failed
 * step retried to no end. Both become U+FFFD; everything else is kept exactly.
 */
describe("storableOutput", () => {
  it("replaces unpaired surrogates anywhere in the output, keys included", () => {
    const output = { text: "a\ud800b", list: ["\udfff", "ok"], "k\udbff": 1, deep: { x: "end\ud83d" } };
    const { value } = storableOutput(output);
    expect(findUnstorable(value)).toBeNull();
    expect(value).toEqual({
      text: "a\ufffdb",
      list: ["\ufffd", "ok"],
      "k\ufffd": 1,
      deep: { x: "end\ufffd" },
    });
  });

  it("replaces NUL and keeps paired surrogates (emoji) as they are", () => {
    const { value } = storableOutput({ text: "x\0y", emoji: "😀 \ud83d\ude00" });
    expect(value).toEqual({ text: "x\ufffdy", emoji: "😀 😀" });
  });

  it("keeps text that only looks like an escape", () => {
    const output = { literal: "\\u0000 and \\ud800 are escapes", slashes: "\\\\ud800" };
    expect(storableOutput(output).value).toEqual(output);
  });

  it("returns a clean output unchanged", () => {
    const output = { a: [1, "two", null, { b: true }] };
    expect(storableOutput(output).value).toBe(output);
  });
});

import { describe, expect, it } from "vitest";
import { InlineStateBudget } from "@/server/runs/inline-state-budget";
import { OUTPUT_INLINE_LIMIT_BYTES } from "@/server/runs/output-refs";

const KB = 1024;
const output = (bytes: number) => "x".repeat(bytes - 2); // JSON adds the quotes

describe("InlineStateBudget", () => {
  it("allows inline outputs until the results it has seen reach the budget", async () => {
    const budget = new InlineStateBudget(1000 * KB);
    for (let i = 0; i < 3; i++) await budget.track(async () => output(250 * KB));
    expect(budget.usedBytes).toBe(750 * KB);
    expect(budget.allowsInline(250 * KB)).toBe(true);
    await budget.track(async () => output(250 * KB));
    expect(budget.allowsInline(1)).toBe(false);
  });

  it("reserves a full inline output for every sibling step still running", async () => {
    const budget = new InlineStateBudget(4 * OUTPUT_INLINE_LIMIT_BYTES);
    const gates: Array<() => void> = [];
    const decisions: boolean[] = [];
    // Six parallel steps. The SDK runs a step's body only after the function has issued every step
    // it can reach (Promise.all over the ready nodes), so each body asks while all six are pending.
    const steps = Array.from({ length: 6 }, () =>
      budget.track(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        decisions.push(budget.allowsInline(100 * KB));
        return new Promise<string>((resolve) => gates.push(() => resolve("ok")));
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    for (const open of gates) open();
    await Promise.all(steps);
    // Five siblings' worth reserved (5 × 256 KB) plus 100 KB is over 1 MB: none may stay inline.
    expect(decisions).toEqual([false, false, false, false, false, false]);
    expect(budget.usedBytes).toBe(6 * 4);
  });
});

import { describe, expect, it } from "vitest";
import {
  countRunSteps,
  GRAPH_LIMITS,
  type GraphIssue,
  MAX_RUN_STEPS,
  NODE_TYPES,
  STEPS_PER_NODE,
  validateGraph,
} from "@/engine";
import { edge, node } from "./fixtures";

const delays = (count: number) =>
  Array.from({ length: count }, (_, i) => node(`d${i}`, "delay", { duration: "1s" }));

/** A run's durable steps against Inngest's 1,000 per run: counted at save, refused with the reason. */
describe("run step budget", () => {
  it("counts start and finish, one step per node, three per delay, approval or sub-workflow node", () => {
    expect(
      countRunSteps({
        nodes: [
          node("a", "text", { template: "x" }),
          node("b", "transform", { expression: "1" }),
          node("wait", "delay", { duration: "1s" }),
        ] as never,
      }),
    ).toBe(2 + 1 + 1 + 3);
    for (const type of NODE_TYPES) {
      if (type === "agent") continue; // counted from its limits, below
      expect(STEPS_PER_NODE[type], type).toBe(["delay", "approval", "subworkflow"].includes(type) ? 3 : 1);
    }
  });

  it("lets every graph within the node limit fit, even one made only of the costliest nodes", () => {
    const costliest = Math.max(...Object.values(STEPS_PER_NODE));
    expect(2 + GRAPH_LIMITS.maxNodes * costliest).toBeLessThanOrEqual(MAX_RUN_STEPS);
    const result = validateGraph({ nodes: delays(GRAPH_LIMITS.maxNodes), edges: [] });
    expect(result.ok).toBe(true);
  });

  it("counts an agent node from its limits: start, node, one per turn, one per tool call (three with approvals)", () => {
    const agent = (config: Record<string, unknown>) =>
      validateGraph({ nodes: [node("a", "agent", { model: "m", task: "t", ...config })], edges: [] });
    const parsed = agent({ limits: { maxTurns: 5, maxToolCalls: 20 } });
    expect(parsed.ok && countRunSteps(parsed.graph)).toBe(2 + 2 + 5 + 20);
    const approvals = agent({
      limits: { maxTurns: 5, maxToolCalls: 20 },
      tools: [{ kind: "mcp", url: "https://mcp.test/mcp", tools: ["x"], requiresApproval: true }],
    });
    expect(approvals.ok && countRunSteps(approvals.graph)).toBe(2 + 2 + 5 + 60);
    // Limits the runner could never honour are refused at save, naming the step count.
    const tooMany = agent({
      limits: { maxTurns: 100, maxToolCalls: 500 },
      tools: [{ kind: "mcp", url: "https://mcp.test/mcp", tools: ["x"], requiresApproval: true }],
    });
    expect(tooMany.ok).toBe(false);
    expect(JSON.stringify(tooMany)).toContain("too_many_steps");
  });

  it("refuses a graph whose run could need more steps than the limit, naming both counts", () => {
    const result = validateGraph({ nodes: delays(40), edges: [edge("d0", "d1")] }, { maxRunSteps: 100 });
    expect(result.ok).toBe(false);
    const issues = (result as { issues: GraphIssue[] }).issues;
    expect(issues).toEqual([
      expect.objectContaining({
        code: "too_many_steps",
        path: ["nodes"],
        message: expect.stringMatching(/can take 122 durable steps .*; the limit is 100$/),
      }),
    ]);
  });
});

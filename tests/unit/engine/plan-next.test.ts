import { describe, expect, it } from "vitest";
import { type PlanState, planNext, type WorkflowGraph } from "@/engine";
import { edge, graph, node } from "./fixtures";

function plan(
  g: WorkflowGraph,
  completed: Record<string, unknown>,
  skipped: string[] = [],
  failed: string[] = [],
) {
  const state: PlanState = {
    completed: new Map(Object.entries(completed)),
    skipped: new Set(skipped),
    failed: new Set(failed),
  };
  const result = planNext(g, state);
  return { ready: result.ready.map((n) => n.id), skip: result.skip, done: result.done };
}

const text = (id: string) => node(id, "text");

describe("planNext", () => {
  it("chain: one node at a time, then done", () => {
    const g = graph([text("c"), text("b"), text("a")], [edge("a", "b"), edge("b", "c")]);
    expect(plan(g, {})).toEqual({ ready: ["a"], skip: [], done: false });
    expect(plan(g, { a: 1 })).toEqual({ ready: ["b"], skip: [], done: false });
    expect(plan(g, { a: 1, b: 2 })).toEqual({ ready: ["c"], skip: [], done: false });
    expect(plan(g, { a: 1, b: 2, c: 3 })).toEqual({ ready: [], skip: [], done: true });
  });

  it("diamond: both branches together, the join only after both", () => {
    const g = graph(
      [text("a"), text("c"), text("b"), text("d")],
      [edge("a", "c"), edge("a", "b"), edge("b", "d"), edge("c", "d")],
    );
    expect(plan(g, { a: 1 }).ready).toEqual(["b", "c"]);
    expect(plan(g, { a: 1, b: 1 }).ready).toEqual(["c"]);
    expect(plan(g, { a: 1, b: 1, c: 1 }).ready).toEqual(["d"]);
  });

  it("orders ready nodes topologically, then by id", () => {
    const g = graph([text("z"), text("a"), text("y"), text("m")], [edge("z", "a")]);
    expect(plan(g, {}).ready).toEqual(["m", "y", "z"]);
    expect(plan(g, { z: 1 }).ready).toEqual(["m", "y", "a"]);
  });

  it("fan-in waits for every parent", () => {
    const g = graph(
      [text("p1"), text("p2"), text("p3"), text("join")],
      [edge("p1", "join"), edge("p2", "join"), edge("p3", "join")],
    );
    expect(plan(g, {}).ready).toEqual(["p1", "p2", "p3"]);
    expect(plan(g, { p1: 1, p2: 1 }).ready).toEqual(["p3"]);
    expect(plan(g, { p1: 1, p2: 1, p3: 1 }).ready).toEqual(["join"]);
  });

  describe("condition", () => {
    // check ─true→ yes → afterYes ─┐
    //       └false→ no → onlyNo    ├→ join (fed by yes and no)
    const g = graph(
      [node("check", "condition"), text("yes"), text("afterYes"), text("no"), text("onlyNo"), text("join")],
      [
        edge("check", "yes", "true"),
        edge("check", "no", "false"),
        edge("yes", "afterYes"),
        edge("no", "onlyNo"),
        edge("yes", "join"),
        edge("no", "join"),
      ],
    );

    it("takes the matching branch and skips everything reachable only through the other", () => {
      expect(plan(g, { check: { result: true } })).toEqual({
        ready: ["yes"],
        skip: ["no", "onlyNo"],
        done: false,
      });
    });

    it("runs a fan-in that joins a taken and an untaken branch", () => {
      expect(plan(g, { check: { result: true }, yes: 1 }, ["no", "onlyNo"])).toEqual({
        ready: ["afterYes", "join"],
        skip: [],
        done: false,
      });
      expect(plan(g, { check: { result: true }, yes: 1, afterYes: 1, join: 1 }, ["no", "onlyNo"]).done).toBe(
        true,
      );
    });

    it("follows the false branch the same way", () => {
      expect(plan(g, { check: { result: false } })).toEqual({
        ready: ["no"],
        skip: ["yes", "afterYes"],
        done: false,
      });
    });

    it("skips a fan-in whose every incoming edge is untaken", () => {
      const both = graph(
        [node("check", "condition"), text("a"), text("b"), text("join"), text("tail")],
        [
          edge("check", "a", "true"),
          edge("check", "b", "true"),
          edge("a", "join"),
          edge("b", "join"),
          edge("join", "tail"),
        ],
      );
      expect(plan(both, { check: { result: false } })).toEqual({
        ready: [],
        skip: ["a", "b", "join", "tail"],
        done: true,
      });
    });
  });

  it("a failed node blocks its descendants and nothing is left to run", () => {
    const g = graph([text("a"), text("b"), text("c")], [edge("a", "b"), edge("b", "c")]);
    expect(plan(g, { a: 1 }, [], ["b"])).toEqual({ ready: [], skip: [], done: true });
  });

  it("is deterministic: same state, same plan", () => {
    const g = graph([text("b"), text("a"), text("c")], [edge("a", "c"), edge("b", "c")]);
    expect(plan(g, {})).toEqual(plan(g, {}));
  });
});

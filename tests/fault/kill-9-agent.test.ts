import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { afterAll, describe, expect, inject, it } from "vitest";
import { node } from "../fixtures/graphs";
import { type CountingServer, startCountingServer } from "../helpers/counting-server";
import {
  createDataDirs,
  type DataDirs,
  type Launcher,
  restartLauncher,
  startLauncher,
} from "../helpers/embedded-app";
import {
  type ChatBody,
  type ModelAnswer,
  type ModelServer,
  startModelServer,
  toolResults,
} from "../helpers/model-server";
import { groupMembers } from "../helpers/process-group";
import type { RunBody } from "../helpers/run-helpers";
import {
  createWorkflow,
  getRun,
  isTerminal,
  startRun,
  statusSummary,
  waitForRuns,
} from "../helpers/run-waits";

/**
 * `npm start` with agent runs in flight, `kill -9` of the whole process group between a tool call and
 * the model's next turn, and `npm start` again on the same data directories: every run finishes, and
 * each tool was called once. The model provider is a loopback OpenAI-compatible server (the app runs
 * as its own processes, so msw cannot stand in for it): its first turn asks for the `record` tool, an
 * http tool whose URL is a sink that counts calls per run; its second turn (with the tool's result)
 * is held until the test lets it answer, so the kill finds every run waiting for the model after its
 * tool call has been made.
 */

const RUNS = 3;
const API_KEY = "sk-fault-agent-0d9c8b";

// Short reconciler periods so a run whose step was cut off is picked up within the test.
const ENV = {
  RECONCILE_INTERVAL_S: "2",
  RECONCILE_QUEUED_AFTER_S: "5",
  RECONCILE_STALLED_AFTER_S: "10",
  INNGEST_SEND_TIMEOUT_MS: "3000",
  OPENAI_API_KEY: API_KEY,
};

const finalText = (tag: string) => `Recorded ${tag}.`;
const callIdOf = (tag: string) => `call_${tag}`;

/** The run's tag, as the rendered task carries it to the model ("Record <tag>."). */
function tagOf(body: ChatBody): string {
  const task = body.messages.find((m) => m.role === "user")?.content;
  const tag = /Record (\w+)\./.exec(typeof task === "string" ? task : JSON.stringify(task))?.[1];
  if (tag === undefined) throw new Error(`no tag in the task: ${JSON.stringify(task)}`);
  return tag;
}

/** An agent with one http tool that records an entry at the sink, keyed by the tag the model passes. */
function agentGraph(sinkUrl: string) {
  return {
    nodes: [
      node("agent", "agent", {
        provider: "openai",
        model: "gpt-4o-mini",
        system: "You keep records. Record what you are asked to, then say so.",
        task: "Record {{ input.tag }}.",
        tools: [
          {
            kind: "http",
            name: "record",
            description: "Records an entry by its tag",
            inputSchema: { type: "object", properties: { tag: { type: "string" } }, required: ["tag"] },
            request: {
              method: "POST",
              url: `${sinkUrl}/effect/{{ args.tag }}/record`,
              body: '{"tag":"{{ args.tag }}"}',
              headers: { "content-type": "application/json" },
              timeoutMs: 10_000,
            },
          },
        ],
      }),
    ],
    edges: [],
  };
}

const runKey = (runId: string, step: string) => `stepwise-${runId}-agent:agent:${step}`;

describe("kill -9 of the app's process group between an agent's tool call and its next turn (npm start)", () => {
  let sink: CountingServer | undefined;
  let model: ModelServer | undefined;
  let dirs: DataDirs | undefined;
  const apps: Launcher[] = [];
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });

  afterAll(async () => {
    release();
    for (const app of apps) await app.stop();
    await model?.close();
    await sink?.close();
    dirs?.remove();
  });

  it("the fake model speaks the wire format the AI SDK reads, streamed and not", async () => {
    const wire = await startModelServer((request) =>
      request.body.messages.some((m) => m.role === "tool")
        ? { text: "A longer answer, in more than one streamed piece.", usage: { prompt: 7, completion: 5 } }
        : { toolCalls: [{ id: "call_1", name: "record", args: { tag: "w" } }] },
    );
    try {
      const openai = createOpenAI({ apiKey: API_KEY, baseURL: wire.baseUrl });
      const tools = {
        record: tool({
          description: "Records",
          inputSchema: jsonSchema({ type: "object", properties: { tag: { type: "string" } } }),
        }),
      };
      const asked = streamText({
        model: openai.chat("gpt-4o-mini"),
        prompt: "Record w.",
        tools,
        maxRetries: 0,
      });
      expect((await asked.toolCalls).map((c) => [c.toolCallId, c.toolName, c.input])).toEqual([
        ["call_1", "record", { tag: "w" }],
      ]);
      expect(await asked.finishReason).toBe("tool-calls");
      const said = streamText({
        model: openai.chat("gpt-4o-mini"),
        messages: [
          { role: "user", content: "Record w." },
          {
            role: "assistant",
            content: [{ type: "tool-call", toolCallId: "call_1", toolName: "record", input: {} }],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "call_1",
                toolName: "record",
                output: { type: "json", value: 1 },
              },
            ],
          },
        ],
        tools,
        maxRetries: 0,
      });
      expect(await said.text).toBe("A longer answer, in more than one streamed piece.");
      expect(await said.usage).toMatchObject({ inputTokens: 7, outputTokens: 5 });
      const plain = await generateText({
        model: openai.chat("gpt-4o-mini"),
        prompt: "Record w.",
        tools,
        maxRetries: 0,
      });
      expect(plain.toolCalls.map((c) => c.input)).toEqual([{ tag: "w" }]);
      expect(wire.requests.map((r) => r.body.stream ?? false)).toEqual([true, true, false]);
      expect(wire.requests.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
    } finally {
      await wire.close();
    }
  });

  it("finishes every run after a restart, each tool called once and the model's first turn not asked again", async () => {
    sink = await startCountingServer();
    const sinkRef = sink;
    model = await startModelServer(async (request): Promise<ModelAnswer> => {
      const tag = tagOf(request.body);
      if (!request.body.messages.some((m) => m.role === "tool")) {
        return { toolCalls: [{ id: callIdOf(tag), name: "record", args: { tag } }] };
      }
      await released;
      return { text: finalText(tag) };
    });
    const modelRef = model;
    dirs = createDataDirs({ pgliteTemplate: inject("pgliteTemplateDir") });
    const env = { ...ENV, OPENAI_BASE_URL: model.baseUrl };
    const first = await startLauncher({ command: "start", dirs, env });
    apps.push(first);

    const workflowId = await createWorkflow(first, "fault: agent", agentGraph(sink.url));
    const started: Array<{ runId: string; tag: string }> = [];
    const startingAt = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const tag = `agent${i}`;
      const run = await startRun(first, workflowId, { tag });
      started.push({ runId: run.runId, tag });
    }
    const runIds = started.map((s) => s.runId);
    const requestsWithKey = (key: string) => modelRef.requests.filter((r) => r.idempotencyKey === key);

    // Kill once every run has made its tool call and is waiting for the model's second turn.
    const deadline = Date.now() + 60_000;
    const waitingForTurn2 = () =>
      started.filter(({ runId }) => requestsWithKey(runKey(runId, "turn:2")).length > 0).length;
    while (waitingForTurn2() < RUNS && Date.now() < deadline && !first.hasExited()) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const beforeKill = await Promise.all(runIds.map((id) => getRun(first, id)));
    expect(waitingForTurn2(), `runs waiting for turn 2 at the kill (${statusSummary(beforeKill)})`).toBe(
      RUNS,
    );
    for (const { tag } of started) expect(sinkRef.hits(`/effect/${tag}/record`)).toBe(1);
    const modelRequestsBeforeKill = modelRef.requests.length;
    const killedAt = Date.now();
    first.signalGroup("SIGKILL");
    expect(await first.waitForGroupGone(10_000, { live: true }), "every process of the group died").toBe(
      true,
    );
    const unreaped = groupMembers(first.pid).length;
    console.log(
      `[kill-9 agent] kill ${killedAt - startingAt} ms after the first run started; at the kill: ` +
        `${statusSummary(beforeKill)}; model requests so far: ${modelRequestsBeforeKill}; zombies at the restart: ${unreaped}`,
    );
    expect(
      beforeKill.every((run) => run.status === "running"),
      statusSummary(beforeKill),
    ).toBe(true);

    const second = await restartLauncher(first, { command: "start", dirs, env });
    apps.push(second);
    // The restarted app asks the model for each run's second turn again; now it answers.
    release();
    const finished = await waitForRuns(
      second,
      runIds,
      (run) => isTerminal(run.status),
      "every run to end",
      90_000,
    );
    console.log(
      `[kill-9 agent] every run ended ${Date.now() - killedAt} ms after the kill; ` +
        `${modelRef.requests.length} model requests in all, ${sinkRef.requests.length} tool calls`,
    );

    const problems: string[] = [];
    const resumedBy = new Map<string, number>();
    for (const { runId, tag } of started) {
      const run = finished.get(runId) as RunBody;
      // What the run view shows: two turns, one tool call and its result, however often a step was driven.
      const events = await second.api<{ data: Array<{ type: string; data: Record<string, unknown> }> }>(
        "GET",
        `/api/runs/${runId}/events`,
      );
      const count = (type: string) => events.body.data.filter((e) => e.type === type).length;
      const shown = [count("agent.turn"), count("agent.tool_call"), count("agent.tool_result")];
      if (events.status !== 200 || shown.join() !== "2,1,1") {
        problems.push(`${tag}: events ${events.status} turns/calls/results ${shown.join("/")}`);
      }
      for (const event of events.body.data.filter((e) => e.type === "run.reconciled")) {
        const action = String(event.data.action);
        resumedBy.set(action, (resumedBy.get(action) ?? 0) + 1);
      }
      if (run.status !== "succeeded") problems.push(`${tag}: run ${run.status} ${JSON.stringify(run.error)}`);
      const output = run.output as { text?: string; toolCalls?: number } | null;
      if (output?.text !== finalText(tag) || output.toolCalls !== 1) {
        problems.push(`${tag}: output ${JSON.stringify(output)}`);
      }

      // The tool, as the outside world saw it: one request, carrying the idempotency key of its step.
      const path = `/effect/${tag}/record`;
      const calls = sinkRef.requests.filter((r) => r.path === path);
      const toolKey = runKey(runId, `tool:1:${callIdOf(tag)}`);
      if (calls.length !== 1) problems.push(`${path}: called ${calls.length} times`);
      if (calls.some((r) => r.idempotencyKey !== toolKey)) {
        problems.push(
          `${path}: keys ${JSON.stringify(calls.map((r) => r.idempotencyKey))}, expected ${toolKey}`,
        );
      }
      const effect = sinkRef.effects.find((e) => e.path === path);

      // The model: turn 1 once; turn 2 held before the kill and asked again after it, with the tool's
      // result; nothing else (no third turn, no request without the key of its step).
      const turn1 = requestsWithKey(runKey(runId, "turn:1"));
      const turn2 = requestsWithKey(runKey(runId, "turn:2"));
      const ofRun = modelRef.requests.filter((r) => tagOf(r.body) === tag);
      if (turn1.length !== 1) problems.push(`${tag}: turn 1 asked ${turn1.length} times`);
      if (ofRun.length !== turn1.length + turn2.length) {
        problems.push(
          `${tag}: model requests with other keys ${JSON.stringify(ofRun.map((r) => r.idempotencyKey))}`,
        );
      }
      const heldAtKill = turn2.filter((r) => r.arrivedAt <= killedAt);
      const afterKill = turn2.filter((r) => r.arrivedAt > killedAt);
      if (heldAtKill.length !== 1 || heldAtKill[0]?.answeredAt !== null) {
        problems.push(
          `${tag}: turn 2 before the kill: ${heldAtKill.length} requests, answered ${heldAtKill[0]?.answeredAt}`,
        );
      }
      if (afterKill.length < 1 || afterKill.every((r) => r.answeredAt === null)) {
        problems.push(`${tag}: turn 2 after the restart: ${afterKill.length} requests, none answered`);
      }
      for (const request of turn2) {
        const result = toolResults(request.body)[callIdOf(tag)];
        if (effect === undefined || !result?.includes(`"effectId":${effect.effectId}`)) {
          problems.push(
            `${tag}: turn 2 carried the tool result ${result}, the sink applied ${effect?.effectId}`,
          );
        }
        if (request.body.stream !== true) problems.push(`${tag}: turn 2 was not streamed`);
      }
    }
    console.log(
      `[kill-9 agent] reconciler actions on the runs: ${JSON.stringify(Object.fromEntries(resumedBy))}; ` +
        `turn 2 asked ${modelRef.requests.filter((r) => r.idempotencyKey?.endsWith(":turn:2")).length} times`,
    );
    expect(problems).toEqual([]);
    expect(sinkRef.effects).toHaveLength(RUNS);
    expect(modelRef.requests.every((r) => r.authorization === `Bearer ${API_KEY}`)).toBe(true);
  }, 240_000);
});

import type { EngineClock } from "./clock";
import type { EventIntake } from "./event-intake";
import type { EventStore } from "./event-store";
import type { Executor } from "./executor";
import { ulid } from "./ids";
import type { Journal, LoadedRun, LoadedState } from "./journal";
import type { FunctionRegistry } from "./registry";
import { createRun, isTerminal, type Run } from "./run-state";
import type { Waits } from "./waits";

/**
 * Bring a journaled engine back after a restart (kill -9 included):
 *
 * 1. apps, events, the dedup index and every run come back into memory;
 * 2. each running run gets back what it was waiting for: its scheduled or
 *    in-flight calls (a call in flight when the engine died is simply made
 *    again: its step had not been memoized), sleeps and timeouts at their
 *    stored absolute times (past-due ones fire at once), waitForEvent
 *    waiters and invoke links;
 * 3. a parent whose invoked child already ended is resumed with its result;
 * 4. a running run with nothing outstanding and no call gets a discovery.
 *
 * Memoized steps travel back to the SDK as `steps`, so they never run again.
 */

export type RestoreDeps = {
  registry: FunctionRegistry;
  store: EventStore;
  intake: EventIntake;
  executor: Executor;
  waits: Waits;
  journal: Journal;
  clock: EngineClock;
};

export function restoreState(state: LoadedState, d: RestoreDeps): { runs: number; resumed: number } {
  for (const app of state.apps) d.registry.register(app.appId, app.url, app.configs, app.syncedAt);
  d.store.load(state.events);
  d.intake.loadIdempotencyKeys(state.idempotencyKeys);

  const running: { run: Run; loaded: LoadedRun }[] = [];
  for (const loaded of state.runs) {
    const run = rebuildRun(loaded);
    d.executor.runs.set(run.id, run);
    if (!isTerminal(run.status)) running.push({ run, loaded });
  }

  const invokes: { parent: Run; stepId: string; childId: string }[] = [];
  for (const { run, loaded } of running) {
    let calls = 0;
    for (const call of loaded.calls) {
      // Journaled just before its step was memoized by a checkpoint: nothing left to do.
      if (call.stepId !== "step" && run.state.has(call.stepId)) {
        d.journal.deleteCall(call.callId);
        continue;
      }
      d.executor.restoreCall(run, call);
      calls++;
    }
    const called = new Set(loaded.calls.map((call) => call.stepId));
    for (const { stepId, detail } of loaded.ops) {
      if (run.state.has(stepId)) continue;
      if (detail.kind === "step") {
        if (called.has(stepId)) continue;
        const callId = ulid(d.clock.now());
        d.executor.restoreCall(run, {
          callId,
          runId: run.id,
          stepId,
          attempt: 0,
          disableImmediate: false,
          dueAt: d.clock.now(),
        });
        calls++;
        continue;
      }
      const childId = d.waits.restore(run, stepId, detail);
      if (childId) invokes.push({ parent: run, stepId, childId });
    }
    if (calls === 0 && run.outstanding.size === 0) d.executor.rediscover(run);
  }

  for (const { parent, stepId, childId } of invokes) {
    const child = d.executor.runs.get(childId);
    if (child && isTerminal(child.status)) d.waits.onRunFinished(child);
    else if (!child) {
      const message = `Invoked run ${childId} is no longer in the engine's store`;
      d.executor.resume(parent, stepId, { type: "error", error: { name: "Error", message } });
    }
  }
  return { runs: state.runs.length, resumed: running.length };
}

function rebuildRun({ run: saved, steps, ops }: LoadedRun): Run {
  const run = createRun({
    id: saved.id,
    functionId: saved.functionId,
    appId: saved.appId,
    eventId: saved.eventId,
    event: saved.event,
    events: saved.events,
    now: saved.startedAt,
    parent: saved.parent,
  });
  run.status = saved.status;
  run.output = saved.output;
  run.error = saved.error;
  run.endedAt = saved.endedAt;
  run.version = saved.version;

  for (const step of steps) {
    const history = { ...step.history };
    if (step.memo?.type === "data") history.output = step.memo.data;
    run.history.set(step.stepId, history);
  }
  const memoized = steps
    .filter((step) => step.memo !== undefined && step.seq !== undefined)
    .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  for (const step of memoized) {
    if (!step.memo) continue;
    run.state.set(step.stepId, step.memo);
    run.stack.push(step.stepId);
  }
  if (!isTerminal(run.status)) {
    for (const { stepId, detail } of ops) {
      if (run.state.has(stepId)) continue;
      run.outstanding.add(stepId);
      if (detail.race) run.raceOps.add(stepId);
    }
  }
  return run;
}

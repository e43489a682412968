"use client";

import "./run-view.css";
import { useEffect, useState } from "react";
import type { RunStepRow } from "./run-steps";
import { formatDuration, timelineBars } from "./run-view-model";

/** How often a node still going stretches its bar. */
const TICK_MS = 1_000;

/** One row per node that started: a bar placed and sized by its time within the run. */
export function RunTimeline({
  steps,
  runStatus,
  selectedNodeId,
  onSelect,
}: {
  steps: readonly RunStepRow[];
  runStatus: string;
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const going = steps.some((step) => step.startedAt !== null && !step.finishedAt && step.durationMs === null);
  const now = useClock(going);
  const bars = timelineBars(steps, runStatus, now);
  return (
    <section className="card" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      {bars.length === 0 ? (
        <p className="muted">No node has started yet.</p>
      ) : (
        <ul className="run-timeline">
          {bars.map((bar) => (
            <li key={bar.nodeId} data-timeline-node={bar.nodeId}>
              <button
                type="button"
                className="run-timeline-name"
                aria-pressed={bar.nodeId === selectedNodeId}
                onClick={() => onSelect(bar.nodeId)}
              >
                {bar.nodeId}
              </button>
              <span className="run-timeline-track">
                <span
                  className={`run-timeline-bar bar-${bar.status}`}
                  style={{ marginLeft: `${bar.offsetPct}%`, width: `${bar.widthPct}%` }}
                />
              </span>
              <span className="run-timeline-duration">
                {bar.status} · {formatDuration(bar.durationMs)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The browser's clock, read only after mount and then every tick while `ticking`: the server render
 * and hydration see null, so they produce the same markup whatever the time on either side.
 */
function useClock(ticking: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}

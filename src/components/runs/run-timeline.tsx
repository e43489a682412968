"use client";

import "./run-view.css";
import type { RunStepRow } from "./run-steps";
import { formatDuration, timelineBars } from "./run-view-model";

/** One row per node that started: a bar placed and sized by its time within the run. */
export function RunTimeline({
  steps,
  selectedNodeId,
  onSelect,
}: {
  steps: readonly RunStepRow[];
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const bars = timelineBars(steps, Date.now());
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

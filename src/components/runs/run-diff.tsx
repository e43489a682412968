"use client";

import "./run-view.css";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { NodeChange, NodeDiff, RunDiffDto } from "../../server/runs/contracts";
import { JsonView } from "./json-view";

const SHOWS_VALUES = new Set<NodeChange>(["changed", "edited"]);

/** Where each kind of change sorts: what a person came to see first; same-output nodes are summed up. */
const CHANGE_ORDER: Record<NodeChange, number> = {
  edited: 0,
  changed: 1,
  only_in_run: 2,
  only_in_source: 3,
  reused: 4,
  unchanged: 4,
};

/**
 * A re-run's per-node changes from the run it was made from (`GET /api/runs/:id/diff`), read once the
 * re-run is over (its outputs are final then; the parent keys this by that, so it mounts again).
 * Changed and edited nodes come first with their output before and after side by side; the nodes whose
 * output is the same (unchanged or reused) are one line.
 */
export function RunDiff({
  runId,
  sourceRunId,
  finished,
}: {
  runId: string;
  sourceRunId: string;
  finished: boolean;
}) {
  const [diff, setDiff] = useState<RunDiffDto | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!finished) return;
    const controller = new AbortController();
    fetch(`/api/runs/${runId}/diff`, { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`Reading the changes failed (${response.status})`);
        setDiff((await response.json()) as RunDiffDto);
        setError(null);
      })
      .catch((reason: unknown) => {
        if (!controller.signal.aborted) setError(reason instanceof Error ? reason.message : String(reason));
      });
    return () => controller.abort();
  }, [runId, finished]);

  const { differing, same } = splitDiff(diff?.nodes ?? []);
  return (
    <section className="card" aria-labelledby="diff-heading">
      <h2 id="diff-heading">
        Changes from run <Link href={`/runs/${sourceRunId}`}>{sourceRunId}</Link>
      </h2>
      {!finished && <p className="muted">Comparing when this run finishes…</p>}
      {finished && !diff && !error && <p className="muted">Reading the changes…</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {diff && (
        <ul className="run-diff">
          {differing.map((node) => (
            <li key={node.nodeId} data-diff-node={node.nodeId} data-change={node.change}>
              <p>
                <code>{node.nodeId}</code>{" "}
                <span className={`chip change-${node.change}`}>{changeLabel(node.change)}</span>
              </p>
              {SHOWS_VALUES.has(node.change) && (
                <div className="run-diff-values">
                  <div>
                    <h3>Before</h3>
                    <JsonView value={node.before} label={`${node.nodeId} before`} />
                  </div>
                  <div>
                    <h3>After</h3>
                    <JsonView value={node.after} label={`${node.nodeId} after`} />
                  </div>
                </div>
              )}
            </li>
          ))}
          {same.length > 0 && (
            <li className="muted" data-diff-unchanged={same.length}>
              {same.length} {same.length === 1 ? "node" : "nodes"} unchanged:{" "}
              {same
                .map((node) => (node.change === "reused" ? `${node.nodeId} (reused)` : node.nodeId))
                .join(", ")}
            </li>
          )}
        </ul>
      )}
    </section>
  );
}

/** The nodes whose output differs (edited, changed, then present in one run only), and the rest. */
export function splitDiff(nodes: readonly NodeDiff[]): { differing: NodeDiff[]; same: NodeDiff[] } {
  const sorted = [...nodes].sort((a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change]);
  return {
    differing: sorted.filter((node) => node.change !== "unchanged" && node.change !== "reused"),
    same: sorted.filter((node) => node.change === "unchanged" || node.change === "reused"),
  };
}

function changeLabel(change: NodeChange): string {
  switch (change) {
    case "changed":
      return "changed";
    case "unchanged":
      return "unchanged";
    case "reused":
      return "reused";
    case "edited":
      return "edited";
    case "only_in_source":
      return "only in the source run";
    case "only_in_run":
      return "only in this run";
  }
}

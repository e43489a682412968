"use client";

import "./run-view.css";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { NodeChange, RunDiffDto } from "../../server/runs/contracts";
import { JsonView } from "./json-view";

const SHOWS_VALUES = new Set<NodeChange>(["changed", "edited"]);

/**
 * A re-run's per-node changes from the run it was made from (`GET /api/runs/:id/diff`); changed and
 * edited nodes show their output before and after side by side. Read once when shown: the parent keys
 * it by whether the run is over, so it is read again when the run finishes.
 */
export function RunDiff({ runId, sourceRunId }: { runId: string; sourceRunId: string }) {
  const [diff, setDiff] = useState<RunDiffDto | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
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
  }, [runId]);

  return (
    <section className="card" aria-labelledby="diff-heading">
      <h2 id="diff-heading">
        Changes from run <Link href={`/runs/${sourceRunId}`}>{sourceRunId}</Link>
      </h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {diff && (
        <ul className="run-diff">
          {diff.nodes.map((node) => (
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
        </ul>
      )}
    </section>
  );
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

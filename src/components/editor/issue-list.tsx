"use client";

import { memo } from "react";
import type { DraftIssue } from "./issues-by-node";

/** Every issue that stops a publish; a click selects the node or edge it is about. */
export const IssueList = memo(function IssueList({
  issues,
  onSelect,
}: {
  issues: readonly DraftIssue[];
  onSelect: (target: { nodeId?: string; edgeId?: string }) => void;
}) {
  return (
    <section className="editor-issues" aria-labelledby="issues-heading">
      <h2 id="issues-heading">Issues ({issues.length})</h2>
      {issues.length === 0 ? (
        <p className="muted">No issues: the draft can be published.</p>
      ) : (
        <ul>
          {issues.map((issue, index) => (
            // Issues have no id; the same path and message can repeat, so the index keeps keys unique.
            // biome-ignore lint/suspicious/noArrayIndexKey: a fresh list per answer, never reordered
            <li key={index}>
              <button
                type="button"
                className="editor-issue"
                onClick={() => onSelect({ nodeId: issue.nodeId, edgeId: issue.edgeId })}
              >
                {issue.nodeId && <code>{issue.nodeId}</code>} {issue.message}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});

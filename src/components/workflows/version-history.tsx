"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { WorkflowVersionDto, WorkflowVersionSummaryDto } from "@/server/workflows/contracts";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import { useBusyAction } from "../ui/use-busy-action";
import { ConfirmDialog } from "./confirm-dialog";
import { VersionCanvas } from "./version-canvas";
import { diffVersions, edgeKey, isEmptyDiff, type VersionDiff } from "./version-diff";
import "./workflows.css";
import { TableHead } from "../ui/table-head";

const when = (iso: string) => iso.replace("T", " ").slice(0, 19);

type Panel =
  | { kind: "view"; version: WorkflowVersionDto }
  | { kind: "compare"; from: number; to: number; diff: VersionDiff }
  | null;

/**
 * A workflow's versions, newest first: view one (its graph, read-only), compare two (what changed,
 * node by node), or restore one into the draft and open the editor to review and publish it as the
 * next version. Versions themselves never change.
 */
export function VersionHistory({
  workflowId,
  currentVersion,
  versions,
  draftBaseVersion,
}: {
  workflowId: string;
  currentVersion: number;
  versions: WorkflowVersionSummaryDto[];
  /** The base version of the draft in progress; null when there is none. */
  draftBaseVersion: number | null;
}) {
  const router = useRouter();
  const [panel, setPanel] = useState<Panel>(null);
  const action = useBusyAction();
  const busy = action.busy !== null;
  const { error } = action;
  const [restoring, setRestoring] = useState<number | null>(null);
  const [from, setFrom] = useState(versions[1]?.version ?? currentVersion);
  const [to, setTo] = useState(versions[0]?.version ?? currentVersion);
  const [cache] = useState(() => new Map<number, WorkflowVersionDto>());

  async function load(version: number): Promise<WorkflowVersionDto> {
    const cached = cache.get(version);
    if (cached) return cached;
    const response = await fetch(`/api/workflows/${workflowId}/versions/${version}`);
    if (!response.ok) throw new Error(await apiErrorMessage(response));
    const loaded = (await response.json()) as WorkflowVersionDto;
    cache.set(version, loaded);
    return loaded;
  }

  const run = (work: () => Promise<void>) => action.run("versions", work);

  const view = (version: number) => run(async () => setPanel({ kind: "view", version: await load(version) }));

  const compare = () =>
    run(async () => {
      const [before, after] = await Promise.all([load(from), load(to)]);
      setPanel({ kind: "compare", from, to, diff: diffVersions(before, after) });
    });

  const restore = (version: number) =>
    run(async () => {
      const response = await fetch(`/api/workflows/${workflowId}/versions/${version}/restore`, {
        method: "POST",
      });
      if (!response.ok) throw new Error(await apiErrorMessage(response));
      router.push(`/workflows/${workflowId}/edit`);
    });

  return (
    <section className="card" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <ErrorBanner message={error} />
      <table className="runs version-table">
        <TableHead columns={["Version", "Saved", "Nodes", "Edges"]} actions />
        <tbody>
          {versions.map((row) => (
            <tr key={row.version} data-version={row.version}>
              <td>
                v{row.version}
                {row.version === currentVersion && <span className="muted"> (current)</span>}
              </td>
              <td>{when(row.createdAt)}</td>
              <td>{row.nodeCount}</td>
              <td>{row.edgeCount}</td>
              <td>
                <div className="workflow-actions">
                  <button type="button" disabled={busy} onClick={() => view(row.version)}>
                    View v{row.version}
                  </button>
                  {/* The current version is what the editor opens anyway: nothing to restore. */}
                  {row.version !== currentVersion && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() =>
                        draftBaseVersion === null ? restore(row.version) : setRestoring(row.version)
                      }
                    >
                      Restore v{row.version}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {versions.length > 1 && (
        <div className="version-compare">
          <VersionSelect
            id="compare-from"
            label="From version"
            versions={versions}
            value={from}
            onChange={setFrom}
          />
          <VersionSelect id="compare-to" label="To version" versions={versions} value={to} onChange={setTo} />
          <button type="button" disabled={busy} onClick={compare}>
            Compare v{from} with v{to}
          </button>
        </div>
      )}

      {panel?.kind === "view" && <VersionView version={panel.version} onClose={() => setPanel(null)} />}
      {panel?.kind === "compare" && (
        <DiffView from={panel.from} to={panel.to} diff={panel.diff} onClose={() => setPanel(null)} />
      )}

      {restoring !== null && (
        <ConfirmDialog
          title={`Restore v${restoring}?`}
          confirmLabel="Replace the draft"
          busy={busy}
          onConfirm={() => restore(restoring)}
          onCancel={() => setRestoring(null)}
        >
          <p>
            A draft based on v{draftBaseVersion} is in progress. Restoring v{restoring} replaces it; you then
            review it in the editor and publish it as the next version.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function VersionView({ version, onClose }: { version: WorkflowVersionDto; onClose: () => void }) {
  const { nodes, edges } = version.graph;
  return (
    <section aria-labelledby="version-view-heading" data-testid="version-view">
      <h3 id="version-view-heading">Version {version.version}</h3>
      <VersionCanvas graph={version.graph} label={`The graph of version ${version.version}`} />
      <h4>Nodes</h4>
      <ul className="diff-list">
        {nodes.map((node) => (
          <li key={node.id}>
            <code>{node.id}</code> <span className="muted">{node.type}</span>
          </li>
        ))}
      </ul>
      <h4>Edges</h4>
      {edges.length === 0 ? (
        <p className="muted">No edges.</p>
      ) : (
        <ul className="diff-list">
          {edges.map((edge) => (
            <li key={edge.id}>{edgeKey(edge)}</li>
          ))}
        </ul>
      )}
      <p className="muted">Input schema: {version.inputSchema ? "yes" : "none"}</p>
      <button type="button" onClick={onClose}>
        Close v{version.version}
      </button>
    </section>
  );
}

function DiffView({
  from,
  to,
  diff,
  onClose,
}: {
  from: number;
  to: number;
  diff: VersionDiff;
  onClose: () => void;
}) {
  return (
    <section aria-labelledby="version-diff-heading" data-testid="version-diff">
      <h3 id="version-diff-heading">
        Changes from v{from} to v{to}
      </h3>
      {isEmptyDiff(diff) ? (
        <p className="muted">No changes to nodes, edges or the input schema.</p>
      ) : (
        <ul className="diff-list">
          {diff.nodes.added.map((node) => (
            <li key={`+${node.id}`} className="diff-added">
              Node added: <code>{node.id}</code> ({node.type})
            </li>
          ))}
          {diff.nodes.removed.map((node) => (
            <li key={`-${node.id}`} className="diff-removed">
              Node removed: <code>{node.id}</code> ({node.type})
            </li>
          ))}
          {diff.nodes.changed.map((change) => (
            <li key={`~${change.id}`}>
              Node changed: <code>{change.id}</code>
              {change.type && ` (type ${change.type.from} → ${change.type.to})`}
              {change.configKeys.length > 0 && `; config: ${change.configKeys.join(", ")}`}
              {change.labelChanged && "; label"}
              {change.settingsChanged && "; settings"}
            </li>
          ))}
          {diff.edges.added.map((key) => (
            <li key={`+e${key}`} className="diff-added">
              Edge added: {key}
            </li>
          ))}
          {diff.edges.removed.map((key) => (
            <li key={`-e${key}`} className="diff-removed">
              Edge removed: {key}
            </li>
          ))}
          {diff.inputSchemaChanged && <li>Input schema changed</li>}
        </ul>
      )}
      <button type="button" onClick={onClose}>
        Close comparison
      </button>
    </section>
  );
}

function VersionSelect({
  id,
  label,
  versions,
  value,
  onChange,
}: {
  id: string;
  label: string;
  versions: readonly { version: number }[];
  value: number;
  onChange: (version: number) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {versions.map((row) => (
          <option key={row.version} value={row.version}>
            v{row.version}
          </option>
        ))}
      </select>
    </div>
  );
}

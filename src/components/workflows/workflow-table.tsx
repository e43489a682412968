"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { WorkflowListItemDto } from "@/server/workflows/contracts";
import { apiErrorMessage } from "../settings/api-error";
import { ErrorBanner } from "../ui/error-banner";
import { useBusyAction } from "../ui/use-busy-action";
import { ConfirmDialog } from "./confirm-dialog";
import "./workflows.css";
import { TableHead } from "../ui/table-head";

const when = (iso: string) => iso.replace("T", " ").slice(0, 19);

/** A file name for a workflow's export: its name, made safe for a file system. */
function exportFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "workflow"}.stepwise.json`;
}

/**
 * The workspace's workflows with their current version, last run and run count, and per row the
 * actions on the whole workflow: duplicate, export (a JSON download) and delete (after a question).
 */
export function WorkflowTable({ workflows }: { workflows: WorkflowListItemDto[] }) {
  const router = useRouter();
  const { busy, error, run: act } = useBusyAction();
  const [deleting, setDeleting] = useState<WorkflowListItemDto | null>(null);

  const duplicate = (workflow: WorkflowListItemDto) =>
    act(`duplicate:${workflow.id}`, async () => {
      const response = await fetch(`/api/workflows/${workflow.id}/duplicate`, { method: "POST" });
      if (!response.ok) throw new Error(await apiErrorMessage(response));
      router.refresh();
    });

  const exportJson = (workflow: WorkflowListItemDto) =>
    act(`export:${workflow.id}`, async () => {
      const response = await fetch(`/api/workflows/${workflow.id}/export`);
      if (!response.ok) throw new Error(await apiErrorMessage(response));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = exportFileName(workflow.name);
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(url);
    });

  const remove = (workflow: WorkflowListItemDto) =>
    act(`delete:${workflow.id}`, async () => {
      const response = await fetch(`/api/workflows/${workflow.id}`, { method: "DELETE" });
      if (!response.ok && response.status !== 404) throw new Error(await apiErrorMessage(response));
      setDeleting(null);
      router.refresh();
    });

  if (workflows.length === 0) {
    return <p className="muted">No workflows yet. Create one or import one above.</p>;
  }
  return (
    <>
      <ErrorBanner message={error} />
      <table className="runs workflow-table">
        <TableHead columns={["Name", "Version", "Last run", "Runs"]} actions />
        <tbody>
          {workflows.map((workflow) => (
            <tr key={workflow.id} data-workflow={workflow.id}>
              <td>
                <Link href={`/workflows/${workflow.id}`}>{workflow.name}</Link>
              </td>
              <td>v{workflow.version}</td>
              <td data-status={workflow.lastRun?.status}>
                {workflow.lastRun ? (
                  <Link href={`/runs/${workflow.lastRun.id}`}>
                    <span className={`status-${workflow.lastRun.status}`}>{workflow.lastRun.status}</span>{" "}
                    <span className="muted">{when(workflow.lastRun.createdAt)}</span>
                  </Link>
                ) : (
                  <span className="muted">never run</span>
                )}
              </td>
              <td>{workflow.runCount}</td>
              <td>
                <div className="workflow-actions">
                  <button
                    type="button"
                    aria-label={`Duplicate ${workflow.name}`}
                    disabled={busy !== null}
                    onClick={() => duplicate(workflow)}
                  >
                    Duplicate
                  </button>
                  <button
                    type="button"
                    aria-label={`Export ${workflow.name}`}
                    disabled={busy !== null}
                    onClick={() => exportJson(workflow)}
                  >
                    Export
                  </button>
                  <button
                    type="button"
                    aria-label={`Delete ${workflow.name}`}
                    disabled={busy !== null}
                    onClick={() => setDeleting(workflow)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete workflow"
          busy={busy !== null}
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        >
          <p>It disappears from the list and can no longer be run. Its past runs stay readable.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

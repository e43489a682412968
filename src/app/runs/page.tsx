import Link from "next/link";
import { connection } from "next/server";
import { TableHead } from "@/components/ui/table-head";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadRunsPage, type RunsPageFilters } from "@/server/pages/load-runs-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../unavailable-notice";

/** Every run of the workspace, newest first, filtered by a plain form (works without JavaScript). */
export default async function RunsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const params = await searchParams;
  const loaded = await loadPageData(async () => loadRunsPage(await callerOrSignIn(), params));
  if (!loaded.ok) return <UnavailableNotice />;
  const { filters, options, problems, runs, nextCursor } = loaded.data;
  const workflowNames = new Map(options.workflows.map((w) => [w.id, w.name]));

  return (
    <main>
      <p>
        <Link href="/">← Workflows</Link>
      </p>
      <h1>Runs</h1>
      <form className="card filters" method="get" action="/runs">
        <label>
          Workflow
          <select name="workflowId" defaultValue={filters.workflowId}>
            <option value="">any</option>
            {options.workflows.map((workflow) => (
              <option key={workflow.id} value={workflow.id}>
                {workflow.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={filters.status}>
            <option value="">any</option>
            {options.statuses.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select name="trigger" defaultValue={filters.trigger}>
            <option value="">any</option>
            {options.triggers.map((trigger) => (
              <option key={trigger}>{trigger}</option>
            ))}
          </select>
        </label>
        <label>
          Created from (UTC)
          <input type="datetime-local" name="createdAfter" defaultValue={filters.createdAfter} />
        </label>
        <label>
          until (UTC)
          <input type="datetime-local" name="createdBefore" defaultValue={filters.createdBefore} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {problems.length > 0 && (
        <p className="banner" role="alert">
          These filters could not be read: {problems.join("; ")}
        </p>
      )}
      {runs.length === 0 && problems.length === 0 && <p className="muted">No runs match.</p>}
      {runs.length > 0 && (
        <table className="runs">
          <TableHead columns={["Run", "Workflow", "Status", "Trigger", "Created", "Duration"]} />
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td>
                  <Link href={`/runs/${run.id}`}>
                    <code>{run.id}</code>
                  </Link>
                </td>
                <td>
                  {workflowNames.get(run.workflowId) ?? run.workflowId}{" "}
                  <span className="muted">v{run.version}</span>
                </td>
                <td data-status={run.status}>{run.status}</td>
                <td>{run.trigger}</td>
                <td>{run.createdAt.replace("T", " ").slice(0, 19)}</td>
                <td>{run.durationMs === null ? "" : formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <p>
          <Link href={`/runs?${nextPageQuery(filters, nextCursor)}`}>Older runs →</Link>
        </p>
      )}
    </main>
  );
}

function nextPageQuery(filters: RunsPageFilters, cursor: string): string {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ""));
  query.set("cursor", cursor);
  return query.toString();
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

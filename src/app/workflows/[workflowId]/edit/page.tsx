import { notFound } from "next/navigation";
import { connection } from "next/server";
import { WorkflowEditor } from "@/components/editor/workflow-editor";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadEditorPage } from "@/server/pages/load-editor-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../../../unavailable-notice";

/** The workflow editor: the draft on a canvas, autosaved, published as the next version. */
export default async function WorkflowEditorPage({ params }: { params: Promise<{ workflowId: string }> }) {
  await connection();
  const { workflowId } = await params;
  const loaded = await loadPageData(async () => loadEditorPage(await callerOrSignIn(), workflowId));
  if (!loaded.ok) return <UnavailableNotice />;
  if (!loaded.data) notFound();
  return <WorkflowEditor initial={loaded.data} />;
}

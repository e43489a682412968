import Link from "next/link";
import { connection } from "next/server";
import { ApiKeysPanel } from "@/components/settings/api-keys-panel";
import { CredentialsPanel } from "@/components/settings/credentials-panel";
import { callerOrSignIn } from "@/server/auth/caller-or-sign-in";
import { loadSettingsPage } from "@/server/pages/load-settings-page";
import { loadPageData } from "@/server/pages/page-data";
import { UnavailableNotice } from "../unavailable-notice";

/** API keys and credentials of the workspace. */
export default async function SettingsPage() {
  await connection();
  const loaded = await loadPageData(async () => loadSettingsPage(await callerOrSignIn()));
  if (!loaded.ok) return <UnavailableNotice />;
  const { isAdmin, apiKeys, credentials, scopes, credentialKinds } = loaded.data;
  return (
    <main>
      <p>
        <Link href="/">← Workflows</Link>
      </p>
      <h1>Settings</h1>
      {isAdmin ? (
        <ApiKeysPanel keys={apiKeys} scopes={scopes} />
      ) : (
        <p className="muted">API keys are managed by the workspace's admins.</p>
      )}
      <CredentialsPanel credentials={credentials} kinds={credentialKinds} canEdit={isAdmin} />
    </main>
  );
}

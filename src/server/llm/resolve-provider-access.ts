import { type LlmProvider, NodeExecutionError } from "@/engine";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getCredentialSecret } from "../credentials/get-credential-secret";
import type { DatabaseOrTransaction } from "../db/client";

/** What a provider call needs. `apiKey` is decrypted in memory only: never log, store or return it. */
export type ProviderAccess = { apiKey: string; baseUrl?: string };

const ENV_KEY_NAME = { openai: "OPENAI_API_KEY", google: "GOOGLE_GENERATIVE_AI_API_KEY" } as const;

/**
 * The key (and base URL) for one call: the named workspace credential, or else the deployment's
 * default key. A credential's key goes only to the credential's own `baseUrl` (or the provider's
 * default), never to OPENAI_BASE_URL, which belongs with OPENAI_API_KEY.
 *
 * @throws {NodeExecutionError} non-retriable, naming what is missing: another attempt cannot help.
 */
export async function resolveProviderAccess(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; provider: LlmProvider; credential?: string },
): Promise<ProviderAccess> {
  const { provider, credential } = args;
  if (credential !== undefined) {
    const found = await readCredential(db, {
      workspaceId: args.workspaceId,
      name: credential,
      kind: provider,
    });
    const baseUrl = found.metadata.baseUrl?.trim();
    if (baseUrl !== undefined && baseUrl !== "" && !isHttpUrl(baseUrl)) {
      throw configError(
        `Credential "${credential}" has an invalid metadata.baseUrl (an http(s) URL is needed)`,
      );
    }
    return { apiKey: found.secret, ...(baseUrl ? { baseUrl } : {}) };
  }

  const env = getEnv();
  const apiKey = (provider === "openai" ? env.OPENAI_API_KEY : env.GOOGLE_GENERATIVE_AI_API_KEY)?.trim();
  if (!apiKey) {
    throw new NodeExecutionError(
      `No API key for provider "${provider}": set ${ENV_KEY_NAME[provider]} or name a workspace credential in config.credential`,
      { code: "missing_api_key", retriable: false },
    );
  }
  const baseUrl = provider === "openai" ? env.OPENAI_BASE_URL : undefined;
  return { apiKey, ...(baseUrl ? { baseUrl } : {}) };
}

async function readCredential(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; name: string; kind: LlmProvider },
) {
  try {
    return await getCredentialSecret(db, args);
  } catch (thrown) {
    // Unknown name or wrong kind: say which; a database failure stays retriable.
    if (thrown instanceof AppError && (thrown.code === "not_found" || thrown.code === "validation_failed")) {
      throw configError(`config.credential: ${thrown.message}`);
    }
    throw thrown;
  }
}

function configError(message: string): NodeExecutionError {
  return new NodeExecutionError(message, { code: "invalid_credential", retriable: false });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

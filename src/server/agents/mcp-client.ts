import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { type AgentToolDescriptor, isNodeExecutionError, NodeExecutionError } from "@/engine";
import { AppError } from "@/lib/errors";
import { getCredentialSecret } from "../credentials/get-credential-secret";
import type { DatabaseOrTransaction } from "../db/client";
import { nodeFetch } from "../egress/node-fetch";
import { redact } from "../llm/classify-llm-error";

/** One MCP server as an agent's config names it. */
export type McpServerRef = { url: string; credential?: string | undefined };

type McpAccess = { db: DatabaseOrTransaction; workspaceId: string; fetch?: typeof fetch };

/** Bounds one MCP request (list or call); a tool that needs longer should answer with a job id. */
const MCP_TIMEOUT_MS = 60_000;

/**
 * The chosen tools of a server, as its `tools/list` describes them. Read once per run, in the agent's
 * start step, so a resumed run sees the same names, descriptions and schemas.
 *
 * @throws {NodeExecutionError} non-retriable when a chosen tool is not on the server.
 */
export async function listMcpTools(
  access: McpAccess,
  server: McpServerRef & { tools: readonly string[]; requiresApproval: boolean },
): Promise<AgentToolDescriptor[]> {
  const listed = await withMcpClient(access, server, async (client) => {
    const tools = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, {
        timeout: MCP_TIMEOUT_MS,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  });
  return server.tools.map((name) => {
    const found = listed.find((tool) => tool.name === name);
    if (found === undefined) {
      throw new NodeExecutionError(`MCP server ${origin(server.url)} has no tool named "${name}"`, {
        code: "mcp_tool_missing",
        retriable: false,
      });
    }
    return {
      name,
      description: found.description ?? found.title ?? name,
      inputSchema: found.inputSchema as Record<string, unknown>,
      requiresApproval: server.requiresApproval,
    };
  });
}

/** Calls one tool; the server's own error results (`isError`) go back to the model as such. */
export async function callMcpTool(
  access: McpAccess,
  server: McpServerRef,
  call: { name: string; args: Record<string, unknown> },
): Promise<{ output: unknown; isError: boolean }> {
  const result = await withMcpClient(access, server, (client) =>
    client.callTool({ name: call.name, arguments: call.args }, undefined, { timeout: MCP_TIMEOUT_MS }),
  );
  const content = Array.isArray(result.content) ? result.content : [];
  const texts = content.flatMap((part) => (part.type === "text" ? [part.text] : []));
  const output = result.structuredContent ?? (texts.length === content.length ? texts.join("\n") : content);
  return { output, isError: result.isError === true };
}

/**
 * A connected client for one request: a Streamable HTTP session opened and closed around it, through
 * the egress guard (the URL is user input), with the credential's token as a bearer header.
 */
async function withMcpClient<T>(
  access: McpAccess,
  server: McpServerRef,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const secret = server.credential === undefined ? undefined : await bearerToken(access, server.credential);
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    fetch: access.fetch ?? nodeFetch(),
    ...(secret !== undefined && { requestInit: { headers: { authorization: `Bearer ${secret}` } } }),
  });
  const client = new Client({ name: "stepwise-agent", version: "1.0.0" });
  try {
    await client.connect(transport, { timeout: MCP_TIMEOUT_MS });
    return await work(client);
  } catch (thrown) {
    if (isNodeExecutionError(thrown)) throw thrown;
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    // Connection and protocol failures may pass; the token never appears in the message.
    throw new NodeExecutionError(
      `MCP server ${origin(server.url)}: ${secret ? redact(message, secret) : message}`,
      { code: "mcp_error", retriable: true, cause: thrown },
    );
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function bearerToken(access: McpAccess, name: string): Promise<string> {
  try {
    const found = await getCredentialSecret(access.db, {
      workspaceId: access.workspaceId,
      name,
      kind: "bearer",
    });
    return found.secret;
  } catch (thrown) {
    if (thrown instanceof AppError && (thrown.code === "not_found" || thrown.code === "validation_failed")) {
      throw new NodeExecutionError(`MCP credential: ${thrown.message}`, {
        code: "invalid_credential",
        retriable: false,
      });
    }
    throw thrown;
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

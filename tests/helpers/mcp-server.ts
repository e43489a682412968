import http from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { HttpResponse, http as mswHttp } from "msw";
import { fetch as undiciFetch } from "undici";
import { z } from "zod";

/**
 * A real MCP server on 127.0.0.1, speaking Streamable HTTP through the SDK's own server transport
 * (stateless: one server per request). Tools: `add` (a + b) and `shout` (text in capitals). Every
 * tool call and the Authorization header it came with are recorded.
 */
export type TestMcpServer = {
  url: string;
  calls: Array<{ tool: string; args: unknown; authorization: string | null }>;
  close: () => Promise<void>;
};

export async function startMcpServer(): Promise<TestMcpServer> {
  const calls: TestMcpServer["calls"] = [];
  const server = http.createServer(async (req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const authorization = req.headers.authorization ?? null;
    const mcp = new McpServer({ name: "test-tools", version: "1.0.0" });
    mcp.registerTool(
      "add",
      { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => {
        calls.push({ tool: "add", args: { a, b }, authorization });
        return { content: [{ type: "text", text: String(a + b) }] };
      },
    );
    mcp.registerTool(
      "shout",
      { description: "Writes text in capitals", inputSchema: { text: z.string() } },
      async ({ text }) => {
        calls.push({ tool: "shout", args: { text }, authorization });
        return { content: [{ type: "text", text: text.toUpperCase() }] };
      },
    );
    // JSON answers (the spec's other answer form besides SSE): simple to relay through msw.
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on("close", () => {
      void transport.close();
      void mcp.close();
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await mcp.connect(transport);
    await transport.handleRequest(req, res, JSON.parse(Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An msw handler that relays the app's requests to the MCP server over a real connection (undici's
 * own fetch, which msw does not patch) and answers with the buffered response. msw's pass-through
 * never settles cancelling an empty 202 body, which is what an MCP server answers to notifications.
 */
export function mcpRelay(server: TestMcpServer) {
  return mswHttp.all(server.url, async ({ request }) => {
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    const answer = await undiciFetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers.entries()),
      ...(body !== undefined && { body }),
    });
    const data = await answer.arrayBuffer();
    return new HttpResponse(data.byteLength === 0 ? null : data, {
      status: answer.status,
      headers: Object.fromEntries(answer.headers.entries()),
    });
  });
}

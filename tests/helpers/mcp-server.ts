import http from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
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
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
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

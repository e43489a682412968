import http from "node:http";
import type { AddressInfo } from "node:net";
import { generateText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { guardedFetch } from "@/server/egress/guarded-fetch";
import { nodeFetch } from "@/server/egress/node-fetch";
import { classifyLlmError } from "@/server/llm/classify-llm-error";
import { languageModel } from "@/server/llm/language-model";

/**
 * A model endpoint named in a workspace credential (`metadata.baseUrl`) is user input: the model
 * client calls it through nodeFetch (create-llm-client.ts), which is the HTTP node's guard.
 */
describe("model endpoints and the egress guard", () => {
  const guarded = parseEnv({ HTTP_NODE_ALLOW_PRIVATE_NETWORKS: "false" });
  let server: http.Server;
  let port = 0;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it("uses the HTTP node's guard when it applies, and the plain fetch when it is lifted", () => {
    expect(nodeFetch(guarded)).toBe(guardedFetch);
    expect(nodeFetch(parseEnv({}))).toBe(globalThis.fetch);
    expect(nodeFetch(parseEnv({ HTTP_NODE_ALLOW_PRIVATE_NETWORKS: "true" }))).toBe(globalThis.fetch);
  });

  it.each([
    () => `http://[::127.0.0.1]:${port}/v1`,
    () => `http://127.1:${port}/v1`,
    () => `http://localhost:${port}/v1`,
  ])("refuses a credential's base URL on this host, as a final node error (%#)", async (baseUrl) => {
    const model = languageModel(
      "openai",
      "gpt-test",
      { apiKey: "sk-test", baseUrl: baseUrl() },
      nodeFetch(guarded),
    );
    const thrown = await generateText({ model, prompt: "hi", maxRetries: 0 }).then(
      () => null,
      (error: unknown) => error,
    );
    const call = {
      target: 'openai model "gpt-test"',
      signal: new AbortController().signal,
      timeoutMs: 1000,
      secret: "sk-test",
      now: new Date(),
    };
    expect(classifyLlmError(thrown, call)).toMatchObject({
      code: "egress_blocked",
      retriable: false,
      message: expect.stringMatching(/^refused: .*(Loopback|IPv4-compatible)/),
    });
    expect(hits).toBe(0);
  });
});

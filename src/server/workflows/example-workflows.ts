import type { CreateWorkflowBody } from "./contracts";

/**
 * Workflows a new local workspace starts with. `wf_example` is the one the
 * README runs: every node type of the foundation, a parallel fan-out, a
 * condition with a skipped branch, a fan-in and a durable delay. The health
 * check calls the app's own URL (`app.url`, read when the node runs, so it follows
 * PORT/APP_URL) unless the run input names another.
 * `wf_llm_example` is the README's LLM example: one llm node on the deployment's
 * OpenAI-compatible endpoint, then a transform that reports tokens and cost.
 * `wf_agent_example` is the README's agent example: an agent on the same endpoint with two
 * tools that call the app's own API (its health check and its list of workflows), so it
 * works offline with a local model that supports tool calls.
 */
export function exampleWorkflows(): Array<{ id: string; body: CreateWorkflowBody }> {
  return [
    {
      id: "wf_example",
      body: {
        name: "Hello, Stepwise",
        description:
          "Greets someone, checks the app's health over HTTP, branches on the name and waits two seconds.",
        tags: ["example"],
        inputSchema: {
          type: "object",
          properties: {
            name: { type: "string", minLength: 1, maxLength: 100, examples: ["Ada Lovelace"] },
            appUrl: { type: "string" },
          },
          required: ["name"],
        },
        graph: {
          nodes: [
            node("greet", "text", 0, 0, { template: "Hello, {{ input.name }}!" }),
            node("stats", "transform", 300, -100, {
              expression: '{ "length": $length(nodes.greet.text), "shout": $uppercase(nodes.greet.text) }',
            }),
            node("health", "http", 300, 100, {
              method: "GET",
              url: "{{ $exists(input.appUrl) ? input.appUrl : app.url }}/api/health",
              timeoutMs: 5000,
            }),
            node("long-name", "condition", 600, 0, { expression: "$length(input.name) > 3" }),
            node("pause", "delay", 900, -100, { duration: "2s" }),
            node("long-reply", "text", 1200, -100, { template: "What a long name, {{ input.name }}." }),
            node("short-reply", "text", 900, 100, { template: "Short and sweet, {{ input.name }}." }),
            node("summary", "debug", 1500, 0, {
              value:
                "{{ $exists(nodes.`long-reply`) ? nodes.`long-reply`.text : nodes.`short-reply`.text }} " +
                "({{ nodes.stats.length }} characters; health check answered {{ nodes.health.status }})",
              level: "info",
            }),
          ],
          edges: [
            edge("greet", "stats"),
            edge("greet", "health"),
            edge("stats", "long-name"),
            edge("health", "long-name"),
            edge("long-name", "pause", "true"),
            edge("pause", "long-reply"),
            edge("long-name", "short-reply", "false"),
            edge("long-reply", "summary"),
            edge("short-reply", "summary"),
          ],
        },
      },
    },
    {
      id: "wf_llm_example",
      body: {
        name: "Ask a model",
        description:
          "Explains a topic with an LLM on any OpenAI-compatible endpoint (OPENAI_BASE_URL + OPENAI_API_KEY, " +
          "or a workspace credential named in the node), then reports tokens and cost.",
        tags: ["example", "llm"],
        inputSchema: {
          type: "object",
          properties: {
            topic: { type: "string", minLength: 1, maxLength: 500, examples: ["tides"] },
            model: { type: "string", minLength: 1, maxLength: 200 },
          },
          required: ["topic"],
        },
        graph: {
          nodes: [
            node("explain", "llm", 0, 0, {
              provider: "openai",
              // The model is a template so one workflow serves OpenAI, Groq or a local Ollama alike.
              model: '{{ $exists(input.model) ? input.model : "gpt-4o-mini" }}',
              system: "You explain things to curious people in plain words.",
              prompt: "Explain {{ input.topic }} in at most three sentences.",
              temperature: 0.3,
              maxTokens: 300,
            }),
            node("report", "transform", 300, 0, {
              expression:
                '{ "answer": nodes.explain.text, "model": nodes.explain.model, ' +
                '"tokens": nodes.explain.usage, "costUsd": nodes.explain.costUsd }',
            }),
          ],
          edges: [edge("explain", "report")],
        },
      },
    },
    {
      id: "wf_agent_example",
      body: {
        name: "Agent with tools",
        description:
          "An agent on any OpenAI-compatible endpoint answers a question about this app, calling its " +
          "health check and workflow list as tools; every turn and tool call is a durable step.",
        tags: ["example", "agent"],
        inputSchema: {
          type: "object",
          properties: {
            question: {
              type: "string",
              minLength: 1,
              maxLength: 2000,
              examples: ["Is the app healthy, and which workflows does it have?"],
            },
            model: { type: "string", minLength: 1, maxLength: 200 },
          },
          required: ["question"],
        },
        graph: {
          nodes: [
            node("assistant", "agent", 0, 0, {
              provider: "openai",
              model: '{{ $exists(input.model) ? input.model : "gpt-4o-mini" }}',
              system:
                "You answer questions about a Stepwise app. Use the tools to find out; answer in a few sentences.",
              task: "{{ input.question }}",
              tools: [
                {
                  kind: "http",
                  name: "check_health",
                  description: "Checks whether the app and its database are healthy.",
                  inputSchema: { type: "object", properties: {} },
                  request: {
                    method: "GET",
                    url: "{{ app.url }}/api/health",
                    timeoutMs: 5000,
                    failOnHttpError: false,
                  },
                },
                {
                  kind: "http",
                  name: "list_workflows",
                  description:
                    "Lists the workflows of this workspace (names, ids, descriptions), at most `limit`.",
                  inputSchema: {
                    type: "object",
                    properties: { limit: { type: "integer", minimum: 1, maximum: 50 } },
                  },
                  request: {
                    method: "GET",
                    url: "{{ app.url }}/api/workflows?limit={{ $exists(args.limit) ? args.limit : 20 }}",
                    timeoutMs: 5000,
                    failOnHttpError: false,
                  },
                },
              ],
              limits: { maxTurns: 6, maxToolCalls: 10, timeoutMs: 600_000 },
              onLimit: "finish",
            }),
            node("report", "transform", 300, 0, {
              expression:
                '{ "answer": nodes.assistant.text, "toolCalls": nodes.assistant.toolCalls, ' +
                '"tokens": nodes.assistant.usage, "costUsd": nodes.assistant.costUsd }',
            }),
          ],
          edges: [edge("assistant", "report")],
        },
      },
    },
  ];
}

function node(id: string, type: string, x: number, y: number, config: Record<string, unknown>) {
  return { id, type, position: { x, y }, data: { label: id, config } };
}

function edge(source: string, target: string, sourceHandle?: "true" | "false") {
  return { id: `${source}->${target}`, source, target, ...(sourceHandle && { sourceHandle }) };
}

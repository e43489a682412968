import type { CreateWorkflowBody } from "./contracts";

/**
 * Workflows a new local workspace starts with. `wf_example` is the one the
 * README runs: every node type of the foundation, a parallel fan-out, a
 * condition with a skipped branch, a fan-in and a durable delay. The health
 * check calls the app's own URL (APP_URL) unless the run input names another.
 */
export function exampleWorkflows(appUrl: string): Array<{ id: string; body: CreateWorkflowBody }> {
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
            name: { type: "string", minLength: 1, maxLength: 100 },
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
              url: `{{ $exists(input.appUrl) ? input.appUrl : "${appUrl.replace(/\/$/, "")}" }}/api/health`,
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
  ];
}

function node(id: string, type: string, x: number, y: number, config: Record<string, unknown>) {
  return { id, type, position: { x, y }, data: { label: id, config } };
}

function edge(source: string, target: string, sourceHandle?: "true" | "false") {
  return { id: `${source}->${target}`, source, target, ...(sourceHandle && { sourceHandle }) };
}

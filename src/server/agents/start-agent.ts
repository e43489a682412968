import {
  AgentConfigSchema,
  type AgentSetup,
  type AgentToolDescriptor,
  type RunScope,
  renderTemplate,
  type WorkflowNodeOf,
} from "@/engine";
import type { Database } from "../db/client";
import type { RunEvent } from "../db/schema";
import { appendRunEvents } from "../runs/append-run-events";
import { lockLiveRunOrStop, openWaitStep, type WaitStepRef } from "../runs/wait-node-steps";
import { listMcpTools } from "./mcp-client";

/**
 * The first step of an agent node (`agent:<nodeId>:start`): renders the model, system prompt and task
 * over the node's scope, reads the chosen tools of every MCP server, and opens the node's step row.
 * Its result is memoized with the run, so a resumed run sees the same prompts and tools.
 */
export async function startAgent(
  db: Database,
  args: WaitStepRef & {
    node: WorkflowNodeOf<"agent">;
    scope: RunScope;
    publish: (events: RunEvent[]) => void;
  },
): Promise<AgentSetup> {
  const { node, scope, publish, ...ref } = args;
  const config = AgentConfigSchema.parse(node.data.config);
  const model = (await renderTemplate(config.model, scope)).trim();
  const system = config.system === undefined ? "" : await renderTemplate(config.system, scope);
  const task = await renderTemplate(config.task, scope);

  const tools: AgentToolDescriptor[] = [];
  for (const tool of config.tools) {
    if (tool.kind === "mcp") {
      tools.push(...(await listMcpTools({ db, workspaceId: ref.workspaceId }, tool)));
    } else {
      const { name, description, inputSchema, requiresApproval } = tool;
      tools.push({
        name,
        description,
        inputSchema,
        requiresApproval,
        ...(tool.kind === "workflow" && { runsWorkflow: true }),
      });
    }
  }

  const events = await db.transaction(async (tx) => {
    await lockLiveRunOrStop(tx, ref);
    return appendRunEvents(tx, {
      runId: ref.runId,
      workspaceId: ref.workspaceId,
      events: [await openWaitStep(tx, ref)],
    });
  });
  publish(events);
  return {
    ...(system.trim() !== "" && { system }),
    task,
    model,
    tools,
    startedAt: new Date().toISOString(),
  };
}

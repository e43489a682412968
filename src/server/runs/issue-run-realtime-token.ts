import { getSubscriptionToken } from "inngest/realtime";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { runChannel } from "../../../inngest/channels";
import { inngest } from "../../../inngest/client";
import type { DatabaseOrTransaction } from "../db/client";
import { getRunStatusOrThrow } from "./stream/get-run-status";

export type RunRealtimeToken = {
  /** `run:<runId>`: the only channel the token grants, and only its `events` topic. */
  channel: string;
  topics: ["events"];
  key: string;
  /** Where the browser subscribes; absent means Inngest Cloud. */
  apiBaseUrl?: string;
};

/**
 * A browser's subscription token for one run's channel. The run must belong to
 * the caller's workspace (404 otherwise): a token is the whole authorization
 * Inngest checks, so it is never minted for a run the caller cannot read.
 */
export async function issueRunRealtimeToken(
  db: DatabaseOrTransaction,
  args: { workspaceId: string; runId: string },
): Promise<RunRealtimeToken> {
  await getRunStatusOrThrow(db, args.workspaceId, args.runId);
  const channel = runChannel({ runId: args.runId });
  try {
    const token = await getSubscriptionToken(inngest, { channel, topics: ["events"] });
    if (!token.key) throw new Error("Inngest returned no subscription token");
    return { channel: channel.name, topics: ["events"], key: token.key, apiBaseUrl: token.apiBaseUrl };
  } catch (error) {
    logger.warn({ runId: args.runId, err: error }, "could not mint a realtime token");
    throw new AppError("unavailable", "Live updates are unavailable right now; try again shortly");
  }
}

import type { Database } from "../../db/client";
import { listRunEvents } from "../queries";
import { toRunEventMessage } from "../run-event-message";
import { type FeedListener, type FeedMode, RunFeed } from "./run-feed";
import { runStreamSettings } from "./stream-settings";

/**
 * The process's run feeds, one per run that has at least one open stream. The
 * first stream of a run opens its feed, the last one to leave closes it.
 */
const feeds = new Map<string, RunFeed>();

export type FeedAttachment = { feed: RunFeed; detach: () => void };

/**
 * Adds a listener to the run's feed (opening it if needed) and resolves once
 * live events reach it. Call only after checking the run is the caller's.
 */
export async function attachToRunFeed(args: {
  db: Database;
  workspaceId: string;
  runId: string;
  listener: FeedListener;
}): Promise<FeedAttachment> {
  const { db, workspaceId, runId, listener } = args;
  let feed = feeds.get(runId);
  if (!feed) {
    const settings = runStreamSettings();
    feed = new RunFeed({
      runId,
      read: async (afterSeq) =>
        (await listRunEvents(db, workspaceId, runId, afterSeq)).map(toRunEventMessage),
      subscribe: settings.subscribe,
      clock: settings.clock,
      pollIntervalMs: settings.pollIntervalMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      resubscribeMs: settings.resubscribeMs,
    });
    feeds.set(runId, feed);
  }
  const attached = feed;
  const detach = () => {
    if (attached.detach(listener) && feeds.get(runId) === attached) {
      feeds.delete(runId);
      attached.close();
    }
  };
  await attached.attach(listener);
  return { feed: attached, detach };
}

/** What is open right now, per run: for tests and the benchmark. */
export function runFeedStats(): Array<{ runId: string; mode: FeedMode; listeners: number; reads: number }> {
  return [...feeds].map(([runId, feed]) => ({
    runId,
    mode: feed.mode,
    listeners: feed.size,
    reads: feed.reads,
  }));
}

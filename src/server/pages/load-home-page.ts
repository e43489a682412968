import type { Caller } from "../auth/caller";
import { getDb } from "../db/client";
import { listWorkflowItems } from "../workflows/queries";

const HOME_PAGE_WORKFLOWS = 100;

/** What the home page lists: the caller's workspace's workflows, newest first, with run count and last run. */
export async function loadHomePage(caller: Caller) {
  const { data } = await listWorkflowItems(await getDb(), caller.workspaceId, HOME_PAGE_WORKFLOWS);
  return { workflows: data };
}

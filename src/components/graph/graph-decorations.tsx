"use client";

import { createContext, type ReactNode, useContext } from "react";

/**
 * What a view paints on the node cards without storing it in the graph: a run's status per node, the
 * draft's validation issues per node. Kept out of `node.data`, so the editor never saves it.
 */
export type GraphDecorations = {
  statusByNode?: ReadonlyMap<string, string>;
  issuesByNode?: ReadonlyMap<string, readonly string[]>;
};

const DecorationsContext = createContext<GraphDecorations>({});

export function GraphDecorationsProvider({
  value,
  children,
}: {
  value: GraphDecorations;
  children: ReactNode;
}) {
  return <DecorationsContext.Provider value={value}>{children}</DecorationsContext.Provider>;
}

export function useNodeDecorations(nodeId: string) {
  const decorations = useContext(DecorationsContext);
  return {
    status: decorations.statusByNode?.get(nodeId),
    issues: decorations.issuesByNode?.get(nodeId) ?? [],
  };
}

"use client";

import { memo } from "react";
import { NodeIcon } from "@/components/graph/node-icon";
import { NODE_CATALOG } from "@/engine/catalog";

const ENTRIES = Object.values(NODE_CATALOG);

/**
 * One button per node type. A click adds the node right of the selected one and connects it, so a
 * chain can be built from the keyboard; with no single selection it lands in the middle of the view.
 */
export const NodePalette = memo(function NodePalette({ onAdd }: { onAdd: (type: string) => void }) {
  return (
    <nav className="editor-palette" aria-labelledby="palette-heading">
      <h2 id="palette-heading">Nodes</h2>
      <ul>
        {ENTRIES.map((entry) => (
          <li key={entry.type}>
            <button type="button" title={entry.description} onClick={() => onAdd(entry.type)}>
              {/* The name read out is "Add Text node"; what shows is the icon and "Text" (axe wants one in the other). */}
              <NodeIcon icon={entry.icon} /> <span className="visually-hidden">Add </span>
              {entry.title}
              <span className="visually-hidden"> node</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
});

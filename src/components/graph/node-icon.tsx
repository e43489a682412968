/** The catalog names icons by id; these are small inline glyphs, so no icon font or CDN is needed. */
const GLYPHS: Record<string, string> = {
  text: "T",
  braces: "{}",
  "git-branch": "◇",
  clock: "◷",
  globe: "⇄",
  bug: "⚑",
  "user-check": "✓",
  workflow: "▤",
  sparkles: "✦",
  image: "▣",
  database: "⛁",
  bot: "◎",
};

export function NodeIcon({ icon }: { icon: string }) {
  return (
    <span className="node-icon" aria-hidden="true">
      {GLYPHS[icon] ?? "•"}
    </span>
  );
}

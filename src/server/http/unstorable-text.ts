/**
 * Characters PostgreSQL cannot store in text or jsonb: U+0000, and a UTF-16 surrogate without its
 * pair (`"\ud800"` is valid JSON but no valid Unicode; jsonb refuses it with 22P02). A `u` regex
 * matches a surrogate only when it is unpaired.
 */
const UNSTORABLE = /[\0\p{Cs}]/u;

export type Unstorable = { path: (string | number)[]; what: "NUL" | "surrogate" };

function describe(text: string): Unstorable["what"] {
  return text.includes("\0") ? "NUL" : "surrogate";
}

/**
 * The first string or key in a parsed body holding an unstorable character, with its path. The
 * body's depth is already bounded (see MAX_JSON_DEPTH), so recursion is safe here.
 */
export function findUnstorable(value: unknown, path: (string | number)[] = []): Unstorable | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? { path, what: describe(value) } : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnstorable(value[index], [...path, index]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) return { path: [...path, key], what: describe(key) };
      const found = findUnstorable(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

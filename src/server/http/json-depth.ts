/**
 * Whether JSON text nests arrays and objects deeper than `max`, in one pass without recursion, so
 * it can run before JSON.parse (whose consumers recurse) on text of any shape. Brackets inside
 * strings do not count; the text need not be valid JSON (JSON.parse judges that afterwards).
 */
export function exceedsJsonDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
